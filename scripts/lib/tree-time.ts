/**
 * `node tree-time.js '<shell command>'`: runs the command under GNU time as the bench does and
 * also samples the resident memory of its whole process tree, for `npm run bench`'s timed().
 * GNU time's %M is the largest single process only (wait4's rusage), so airgap's node and its
 * `git cat-file` and gzip children never add up there. Here: every 50 ms, the RSS (field 24 of
 * /proc/<pid>/stat) of each process descended from the command, summed; the peak of the sums,
 * and never less than GNU time's figure (a sample can miss a short peak). The command's stdout
 * and stderr pass through; the last stderr line is
 * `tree-time <seconds> <largest KiB> <tree KiB> <CPU seconds>`: the seconds counted from spawn
 * to exit here, without this wrapper's own start-up; the CPU (user + system, GNU time's %U %S)
 * of the command and every descendant it waited for, which other work on the machine stretches
 * far less than wall time.
 * No /proc/<pid>/task/<tid>/children on this kernel: each sample lists /proc, but reads the stat
 * only of processes that are not known strangers (alive before the command, or not ours).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_KIB = 4;

function stat(pid: number): { ppid: number; rssKiB: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After ')': state(3) ppid(4) … rss(24), so ppid is [1] and rss [21].
    return { ppid: Number(fields[1]), rssKiB: Number(fields[21]) * PAGE_KIB };
  } catch {
    return undefined; // it ended between the listing and the read
  }
}

/** Sums the RSS of a process and its descendants, one sample at a time. */
export class TreeSampler {
  private readonly strangers = new Set<number>();
  private readonly tree = new Set<number>();

  constructor(readonly root: number) {
    this.tree.add(root);
  }

  /** Processes alive before the root started: none of them can become its descendant. */
  excludeExisting(): void {
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (pid && pid !== this.root) this.strangers.add(pid);
    }
  }

  /** KiB resident in the tree now. */
  sample(): number {
    const pids = readdirSync('/proc')
      .map(Number)
      .filter((pid) => pid > 0 && !this.strangers.has(pid))
      .sort((a, b) => a - b);
    const seen = new Map<number, { ppid: number; rssKiB: number }>();
    for (const pid of pids) {
      const s = stat(pid);
      if (s) seen.set(pid, s);
    }
    // Parents usually have lower pids, but wrap-around breaks that: repeat until nothing joins.
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, s] of seen)
        if (!this.tree.has(pid) && this.tree.has(s.ppid)) {
          this.tree.add(pid);
          grew = true;
        }
    }
    let total = 0;
    for (const [pid, s] of seen) {
      if (this.tree.has(pid)) total += s.rssKiB;
      // Not descended from the root now, so never: an orphan is adopted by init, not by us.
      else this.strangers.add(pid);
    }
    return total;
  }
}

function main(command: string): void {
  const start = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', '%M %U %S', 'bash', '-c', command], {
    stdio: ['inherit', 'inherit', 'pipe'],
  });
  const sampler = new TreeSampler(child.pid ?? 0);
  sampler.excludeExisting();
  let peakKiB = 0;
  const timer = setInterval(() => {
    peakKiB = Math.max(peakKiB, sampler.sample());
  }, 50);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr += d;
  });
  child.on('close', (code) => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    clearInterval(timer);
    const lines = stderr.trimEnd().split('\n');
    const [largest = '', user = '', system = ''] = (lines.pop() ?? '').split(' ');
    const largestKiB = Number(largest);
    process.stderr.write(lines.length ? `${lines.join('\n')}\n` : '');
    process.stderr.write(
      `tree-time ${seconds} ${largestKiB} ${Math.max(peakKiB, Number.isFinite(largestKiB) ? largestKiB : 0)} ${Number(user) + Number(system)}\n`,
    );
    process.exitCode = code ?? 1;
  });
}

if (process.argv[1]?.endsWith('tree-time.js')) main(process.argv[2] ?? 'true');
