// The kubectl stand-in as one long-lived process for a test worker: each `kubectl` call of a
// bastion script is a small sh client (written by test/helpers/kubectl-server.ts) instead of
// a Node start (about 0.25 s of CPU per call on the test machine, most of a bastion run's).
// The answers are the same: the same kube-cli.mjs runs in the call's directory with the
// call's KUBECTL_* variables, PATH and TMPDIR, and the cluster stays in $KUBECTL_STATE_DIR.
//
// Protocol, in the directory given as argv[2]: the client writes its working directory, four
// variables and its arguments, NUL-separated, to <id>.req, makes the FIFO <id> and writes the
// line <id> to the FIFO `requests`. The server answers with <id>.sh, a script of `printf`
// lines (stdout and stderr in the order kubectl wrote them) that sets `rc`, then writes one
// line to the FIFO <id>; the client sources <id>.sh and exits with $rc. Calls run one at a
// time, as they reach the server.
import {
  closeSync,
  constants,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { kubectl } from './kube-cli.mjs';

const dir = process.argv[2];
if (!dir) throw new Error('usage: kube-server.mjs <dir>');
// Ends with the test worker that started it (the IPC channel closes), taking its files along.
process.on('disconnect', () => process.exit(0));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const quote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

function answer(id) {
  const fields = readFileSync(join(dir, `${id}.req`), 'utf8').split('\0');
  fields.pop(); // the text ends with a NUL
  const [cwd, stateDir, failOn, failOnce, path, tmp, ...argv] = fields;
  const env = {
    KUBECTL_STATE_DIR: stateDir,
    KUBECTL_FAIL_ON: failOn,
    KUBECTL_FAIL_ONCE_ON: failOnce,
    PATH: path,
    TMPDIR: tmp,
  };
  const chunks = [];
  const push = (fd) => (text) => {
    const last = chunks.at(-1);
    if (last?.fd === fd) last.text += text;
    else chunks.push({ fd, text });
  };
  let rc;
  try {
    process.chdir(cwd);
    rc = kubectl(argv, env, { out: push(1), err: push(2) });
  } catch (error) {
    // What Node prints for an uncaught error, and its exit code.
    push(2)(`${error?.stack ?? error}\n`);
    rc = 1;
  }
  const lines = chunks.map((c) => `printf '%s' ${quote(c.text)}${c.fd === 2 ? ' >&2' : ''}`);
  writeFileSync(join(dir, `${id}.sh`), `${[...lines, `rc=${rc}`].join('\n')}\n`);
  wake(join(dir, id), Date.now());
}

/**
 * Tells the client its answer is ready. The client may not be reading the FIFO yet (ENXIO):
 * try again shortly; a client that is gone (its bastion was killed) is given up after a minute.
 */
function wake(fifo, since) {
  try {
    const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    writeSync(fd, 'done\n');
    closeSync(fd);
  } catch (error) {
    if (error.code === 'ENXIO' && Date.now() - since < 60_000)
      setTimeout(() => wake(fifo, since), 1);
    else if (error.code !== 'ENOENT' && error.code !== 'ENXIO') throw error;
  }
}

// Opened for reading and writing, the FIFO never reports end-of-file between clients; read
// through a socket (epoll), not fs streams: a thread-pool read blocked on a FIFO keeps a
// process from exiting even after process.exit().
const requests = new Socket({
  fd: openSync(join(dir, 'requests'), constants.O_RDWR | constants.O_NONBLOCK),
  readable: true,
  writable: false,
}).setEncoding('utf8');
let pending = '';
requests.on('data', (data) => {
  pending += data;
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const id of lines) {
    try {
      if (id) answer(id);
    } catch (error) {
      // A call the server cannot even read (its files gone): say so to the test, keep serving.
      process.stderr.write(`kube-server: call ${id}: ${error?.stack ?? error}\n`);
    }
  }
});
process.send?.('ready');
