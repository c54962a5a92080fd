import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Peak resident memory of a process tree, sampled from /proc: the sum over the process and
 * every descendant alive at each sample (GNU time only reports the largest single process,
 * and the bound airgap promises covers airgap and its git children together).
 */
export interface TreeRss {
  code: number;
  stdout: string;
  stderr: string;
  /** Peak of the summed RSS of the whole tree, MiB. */
  peakMiB: number;
  /** Peak RSS seen per command name (e.g. node, git), MiB. */
  byCommand: Record<string, number>;
}

function readStat(pid: string): { ppid: number; comm: string; rssKiB: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return { ppid: Number(fields[1]), comm, rssKiB: rss ? Number(rss[1]) : 0 };
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

function sampleTree(root: number): Array<{ comm: string; rssKiB: number }> {
  const processes = new Map<number, { ppid: number; comm: string; rssKiB: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (stat) processes.set(Number(name), stat);
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of processes) {
      if (!inTree.has(pid) && inTree.has(p.ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return [...inTree].flatMap((pid) => {
    const p = processes.get(pid);
    return p ? [{ comm: p.comm, rssKiB: p.rssKiB }] : [];
  });
}

export function measureTreeRss(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; intervalMs?: number } = {},
): Promise<TreeRss> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let peakKiB = 0;
    const byCommand: Record<string, number> = {};
    const timer = setInterval(() => {
      if (child.pid === undefined) return;
      const tree = sampleTree(child.pid);
      const total = tree.reduce((sum, p) => sum + p.rssKiB, 0);
      peakKiB = Math.max(peakKiB, total);
      for (const p of tree) byCommand[p.comm] = Math.max(byCommand[p.comm] ?? 0, p.rssKiB / 1024);
    }, options.intervalMs ?? 50);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code: code ?? 1, stdout, stderr, peakMiB: peakKiB / 1024, byCommand });
    });
  });
}
