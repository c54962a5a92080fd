import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { AirgapError } from '../errors.js';
import { isAlive } from '../util/process.js';

/** What a lock file holds: who took it and when, so a dead holder can be told from a live one. */
export interface LockHolder {
  pid: number;
  host: string;
  started: string;
  /**
   * The holder process's identity beyond its pid (see processStart). A container's airgap is
   * often pid 1 in every run: the pid alone would call a lock of an earlier run live for ever.
   */
  process?: string;
}

/**
 * `<boot id>:<start time in clock ticks since boot>` of a process, from /proc (Linux); a pid
 * reused by another process, or the same pid in a later container, gives another value.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): field 3 (state) is index 0.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return start ? `${boot}:${start}` : undefined;
  } catch {
    return undefined;
  }
}

export function parseLockHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string')
      return {
        pid: value.pid,
        host: value.host,
        started: String(value.started ?? ''),
        ...(typeof value.process === 'string' ? { process: value.process } : {}),
      };
  } catch {
    // Not a lock this version wrote: the caller decides.
  }
  // Older versions wrote the bare pid.
  return /^\d+$/.test(text.trim())
    ? { pid: Number(text.trim()), host: hostname(), started: '' }
    : undefined;
}

/**
 * A holder on this host whose process is gone, or whose pid now belongs to a process that
 * started at another time; any other holder (or none readable) is not. Pid, host and process
 * start are judged together: a lock of another host cannot be checked from here.
 */
export function isStale(
  holder: LockHolder | undefined,
  alive: (pid: number) => boolean,
  startOf: (pid: number) => string | undefined = processStart,
): boolean {
  if (holder === undefined || holder.host !== hostname()) return false;
  if (!alive(holder.pid)) return true;
  const now = holder.process === undefined ? undefined : startOf(holder.pid);
  return now !== undefined && now !== holder.process;
}

/**
 * An exclusive lock file. The holder is written to a private file first and hard-linked into
 * place, so taking the lock is atomic (link fails when the name exists, like O_EXCL) and the
 * lock is never seen empty. A lock whose process is gone is taken over; an empty or unreadable
 * one is refused, never guessed stale. `started` is the command's clock (CommandContext.now).
 */
export function acquireLock(path: string, started: Date, what = 'ingest'): () => void {
  const start = processStart(process.pid);
  const mine: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started: started.toISOString(),
    ...(start ? { process: start } : {}),
  };
  const draft = `${path}.${process.pid}.new`;
  const fd = openSync(draft, 'wx');
  try {
    writeSync(fd, JSON.stringify(mine));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(draft, path);
        return () => rmSync(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const text = readText(path);
      if (text === undefined) continue; // released meanwhile
      const holder = parseLockHolder(text);
      if (!isStale(holder, isAlive)) throw lockedError(path, holder, text, what);
      takeOverStale(path, text);
    }
    throw new AirgapError(`could not take the lock ${path}`, {
      hint: 'another airgap run keeps taking it; try again',
      code: 'locked',
    });
  } finally {
    rmSync(draft, { force: true });
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Moves a stale lock aside, and puts it back if it turned out to be a fresh one. */
function takeOverStale(path: string, staleText: string): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  if (readText(aside) !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // A newer lock is in place already: it wins.
    }
  }
  rmSync(aside, { force: true });
}

function lockedError(
  path: string,
  holder: LockHolder | undefined,
  text: string,
  what: string,
): AirgapError {
  if (!holder) {
    return new AirgapError(
      `the lock ${path} is ${text.trim() ? 'unreadable' : 'empty'}: another airgap ${what} may hold it`,
      {
        hint: `if no airgap command is running on this repo, remove ${path}`,
        code: 'locked',
      },
    );
  }
  const where =
    holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
  return new AirgapError(
    `another airgap ${what} (${where}${holder.started ? `, since ${holder.started}` : ''}) is updating this repo`,
    { hint: `wait for it to finish; if it is gone, remove ${path}`, code: 'locked' },
  );
}
