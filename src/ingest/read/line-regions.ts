import { closeSync, openSync, readSync } from 'node:fs';

const NEWLINE = 0x0a;

/**
 * Reads a file as views of whole lines (each ends with `\n`, except a last line without one),
 * about `size` bytes at a time, into one reused buffer: no string and no new Buffer per chunk,
 * so memory stays flat however large the file. A view is valid until the next one is asked
 * for. A line longer than the buffer grows it.
 */
export function* readLineRegions(path: string, size = 1 << 20): Generator<Buffer> {
  const fd = openSync(path, 'r');
  let buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  try {
    for (;;) {
      if (filled === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      if (read === 0) {
        if (filled) yield buffer.subarray(0, filled);
        return;
      }
      filled += read;
      const last = buffer.lastIndexOf(NEWLINE, filled - 1);
      if (last < 0) continue;
      yield buffer.subarray(0, last + 1);
      buffer.copy(buffer, 0, last + 1, filled);
      filled -= last + 1;
    }
  } finally {
    closeSync(fd);
  }
}

/** How many `\n` bytes there are. */
export function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/** The longest run of one byte value (backticks, to pick a Markdown fence). */
export function longestRun(bytes: Buffer, value: number): number {
  let longest = 0;
  for (let i = bytes.indexOf(value); i >= 0; ) {
    let j = i + 1;
    while (j < bytes.length && bytes[j] === value) j++;
    longest = Math.max(longest, j - i);
    i = bytes.indexOf(value, j);
  }
  return longest;
}

/** One read buffer for every range read: a new one per block would be memory freed late. */
let rangeBuffer: Buffer | undefined;
let rangeBusy = false;

/**
 * Files kept open across range reads of them until close(): a runbook copies each of ~1,000
 * outputs out of one file, and an open, fstat and close per output cost more than reading a
 * small one (a third of a 20 MB ingest's runbook step).
 */
export class OpenFiles {
  private readonly fds = new Map<string, number>();

  fd(path: string): number {
    let fd = this.fds.get(path);
    if (fd === undefined) {
      fd = openSync(path, 'r');
      this.fds.set(path, fd);
    }
    return fd;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/**
 * Bytes [start, end) of a file (to its end without `end`), a view at a time into one shared
 * buffer: each view is valid until the next, and one range is read at a time. With `files`,
 * the file is opened once for all its ranges (and closed by their owner).
 */
export function* readRange(
  path: string,
  start = 0,
  end = Number.POSITIVE_INFINITY,
  files?: OpenFiles,
): Generator<Buffer> {
  if (rangeBusy) throw new Error('readRange: one range at a time (the buffer is shared)');
  rangeBuffer ??= Buffer.allocUnsafe(1 << 20);
  const buffer = rangeBuffer;
  const fd = files ? files.fd(path) : openSync(path, 'r');
  rangeBusy = true;
  try {
    for (let position = start; position < end; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
      if (read <= 0) return;
      yield buffer.subarray(0, read);
      position += read;
    }
  } finally {
    rangeBusy = false;
    if (!files) closeSync(fd);
  }
}
