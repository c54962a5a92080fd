import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The kubectl stand-in's model server of this test worker (scripts/standins/kube-server.mjs),
 * started at the first bastion: a bastion run makes 5–30 kubectl calls, and a Node start per
 * call was most of its CPU. It ends with the worker (its IPC channel closes).
 */
let server: { dir: string; child: ChildProcess } | undefined;

function kubeServer(standins: string): { dir: string; pid: number } {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) {
    const dir = mkdtempSync(join(tmpdir(), 'airgap-kube-server-'));
    execFileSync('mkfifo', [join(dir, 'requests')]);
    const child = spawn(process.execPath, [join(standins, 'kube-server.mjs'), dir], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    // Neither the process nor its channel keeps the worker alive.
    child.unref();
    child.channel?.unref();
    server = { dir, child };
  }
  return { dir: server.dir, pid: server.child.pid ?? 0 };
}

/**
 * The `kubectl` a test bastion runs: a POSIX sh client of the model server, or the stand-in
 * started alone (named by absolute path, so that a PATH without node, the BusyBox bastion,
 * still runs it) when the server is gone. Both answer through scripts/standins/kube-cli.mjs.
 */
export function kubectlClient(standins: string): string {
  const { dir, pid } = kubeServer(standins);
  return `#!/bin/sh
# kubectl stand-in: this call is answered by the test worker's model server
# (scripts/standins/kube-server.mjs describes the files below). A call reading stdin
# (\`-f -\`) is run alone: the server has no stdin of the call.
case " $* " in *" - "*|*"=- "*) exec '${process.execPath}' '${join(standins, 'kubectl')}' "$@" ;; esac
if kill -0 ${pid} 2>/dev/null; then
  r='${dir}'/$$
  printf '%s\\0' "$PWD" "\${KUBECTL_STATE_DIR-}" "\${KUBECTL_FAIL_ON-}" "\${KUBECTL_FAIL_ONCE_ON-}" \\
    "\${PATH-}" "\${TMPDIR-}" "$@" >"$r.req"
  mkfifo "$r" || exit 1
  echo $$ >'${dir}/requests'
  read -r _ <"$r"
  rc=1
  . "$r.sh"
  rm -f "$r" "$r.req" "$r.sh"
  exit "$rc"
fi
exec '${process.execPath}' '${join(standins, 'kubectl')}' "$@"
`;
}
