import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../util/process.js';

/**
 * `.git/airgap/`: airgap's private state (scan cache, temp files), never in the work tree. Takes
 * the .git directory (CommandContext.git's gitDirOf) rather than asking git itself.
 */
export function airgapDir(gitDir: string): string {
  return join(gitDir, 'airgap');
}

export interface RunDir {
  path: string;
  remove(): void;
}

/**
 * A temp directory for one run under `.git/airgap/tmp/`, named after the pid, so the next run
 * can remove what a killed one (kill -9, power loss) left behind: directories whose process is
 * gone are swept first. On the repo's file system, so finished files can be renamed into place.
 */
export async function openRunDir(gitDir: string): Promise<RunDir> {
  const tmp = join(airgapDir(gitDir), 'tmp');
  mkdirSync(tmp, { recursive: true });
  sweepDeadRuns(tmp);
  const path = join(tmp, `${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(path);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Removes run directories whose process no longer exists; returns their names. */
export function sweepDeadRuns(tmp: string, alive: (pid: number) => boolean = isAlive): string[] {
  return sweepDead(tmp, /^(\d+)-/, alive, true);
}

/**
 * Removes the entries of `dir` whose name carries the pid (first group of `pattern`) of a
 * process that is gone; with `strangers`, entries that do not match go too.
 */
export function sweepDead(
  dir: string,
  pattern: RegExp,
  alive: (pid: number) => boolean = isAlive,
  strangers = false,
): string[] {
  const removed: string[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const match = pattern.exec(name);
    if (!match && !strangers) continue;
    const pid = Number(match?.[1]);
    if (pid === process.pid || (pid && alive(pid))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
