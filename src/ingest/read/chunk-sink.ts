import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

const FLUSH_AT = 1 << 18;

/**
 * Buffered synchronous writes of lines, texts and bytes to one file, hashing all of it (the
 * first pass's sink). Strings are encoded straight into one reused buffer and bytes copied
 * there: no join of many small strings, and no new buffer per flush (external memory the
 * garbage collector frees late).
 */
export class ChunkSink {
  private readonly fd: number;
  private hash: ReturnType<typeof createHash> | undefined = createHash('sha256');
  private buffer = Buffer.allocUnsafe(FLUSH_AT * 2);
  private used = 0;
  /** Bytes in the file so far. */
  written = 0;
  /** Told after each write to the file, with what it holds then (a reader may follow it). */
  onWrite: ((written: number) => void) | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** A line and its newline. */
  line(text: string): void {
    this.text(text);
    this.room(1);
    this.buffer[this.used++] = 10;
  }

  text(text: string): void {
    if (text.length === 0) return;
    this.room(text.length * 3);
    this.used += this.buffer.write(text, this.used, 'utf8');
    if (this.used >= FLUSH_AT) this.flush();
  }

  bytes(bytes: Uint8Array): void {
    if (bytes.length >= FLUSH_AT) {
      this.flush();
      this.out(bytes);
      return;
    }
    this.room(bytes.length);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
    if (this.used >= FLUSH_AT) this.flush();
  }

  /** The sha256 of everything written, all of it flushed ('' once hashing was handed over). */
  digest(): string {
    this.flush();
    return this.hash?.digest('hex') ?? '';
  }

  /** Hashes nothing more: another reader of the whole file hashes it (GzipFile's sha256). */
  stopHashing(): void {
    this.hash = undefined;
  }

  /** Closes the file even when the last flush fails (a full disk), then reports the failure. */
  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private room(size: number): void {
    if (this.used + size <= this.buffer.length) return;
    this.flush();
    if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size);
  }

  private flush(): void {
    if (this.used === 0) return;
    this.out(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private out(bytes: Uint8Array): void {
    this.hash?.update(bytes);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.written += bytes.length;
    this.onWrite?.(this.written);
  }
}
