import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../util/process.js';
import { gitDirOf } from './git.js';

/** `.git/airgap/`: airgap's private state (scan cache, temp files), never in the work tree. */
export async function airgapDir(root: string): Promise<string> {
  return join(await gitDirOf(root), 'airgap');
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
export async function openRunDir(root: string): Promise<RunDir> {
  const tmp = join(await airgapDir(root), 'tmp');
  mkdirSync(tmp, { recursive: true });
  sweepDeadRuns(tmp);
  const path = join(tmp, `${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(path);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Removes run directories whose process no longer exists; returns their names. */
export function sweepDeadRuns(tmp: string, alive: (pid: number) => boolean = isAlive): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(tmp)) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && alive(pid)) continue;
    if (pid === process.pid) continue;
    rmSync(join(tmp, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
