import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { AirgapError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** An exclusive lock file; a lock left by a process that is gone is taken over. */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (holder && alive(holder)) {
        throw new AirgapError(`another airgap ingest (pid ${holder}) is updating this repo`, {
          hint: `wait for it to finish; if it is gone, remove ${path}`,
          code: 'locked',
        });
      }
      rmSync(path, { force: true });
    }
  }
  throw new AirgapError(`could not take the ingest lock ${path}`, { code: 'locked' });
}
