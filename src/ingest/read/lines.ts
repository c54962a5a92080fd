import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { OpenFiles, readRange } from './line-regions.js';

/**
 * Splits a byte stream into lines without holding more than one chunk. Lines come in batches
 * (one per chunk): a promise per line would cost more than the parsing. Invalid UTF-8 becomes
 * U+FFFD, as an editor would show it: the line is kept, not dropped.
 */
export async function* readLineBatches(
  source: AsyncIterable<Buffer | string>,
): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let rest = '';
  for await (const chunk of source) {
    const text =
      rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    if (lines.length) yield lines;
  }
  rest += decoder.decode();
  if (rest !== '') yield [rest];
}

/**
 * Buffered synchronous writes to one file: simple, fast, and ordered. Optionally hashes the
 * bytes as they are written, so a caller does not join and encode the same text twice.
 */
export class FileSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  private written = 0;
  private hash: Hash | undefined;
  private buffer = Buffer.alloc(0);
  /** The files copyFrom reads, open until close() (see OpenFiles). */
  private readonly sources = new OpenFiles();
  /** Told after each write to the file, with what it holds then (a reader may follow it). */
  onWrite: ((written: number) => void) | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Starts hashing what is written from here on (one range at a time). */
  beginHash(): void {
    this.flush();
    this.hash = createHash('sha256');
  }

  /** The sha256 of what was written since beginHash(), or of nothing if it was not called. */
  endHash(): string {
    this.flush();
    const hash = this.hash ?? createHash('sha256');
    this.hash = undefined;
    return hash.digest('hex');
  }

  /**
   * Bytes written so far, buffered ones included: where the next write will start. Flushes, so
   * that lines need not be measured one by one (asked once per block, not once per line).
   */
  get position(): number {
    this.flush();
    return this.written;
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 1 << 18) this.flush();
  }

  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size > 1 << 18) this.flush();
  }

  flush(): void {
    if (!this.parts.length) return;
    const text = this.parts.join('');
    // Encoded into one reused buffer: a new Buffer per flush is external memory that the
    // garbage collector frees late, and peak RSS grew with the transcript.
    if (this.buffer.length < text.length * 3) this.buffer = Buffer.allocUnsafe(text.length * 3);
    const data = this.buffer.subarray(0, this.buffer.write(text, 0, 'utf8'));
    this.hash?.update(data);
    writeSync(this.fd, data);
    this.written += data.length;
    this.parts = [];
    this.size = 0;
    this.onWrite?.(this.written);
  }

  /**
   * Writes bytes as they are (hashed like text): output copied from another file need not be
   * decoded and encoded again. Whatever text is buffered is written first.
   */
  writeBytes(bytes: Uint8Array): void {
    this.flush();
    this.hash?.update(bytes);
    for (let done = 0; done < bytes.length; )
      done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.written += bytes.length;
    this.onWrite?.(this.written);
  }

  /** Appends bytes [start, end) of a file (all of it without a range) as they are. */
  copyFrom(path: string, start = 0, end = Number.POSITIVE_INFINITY): void {
    for (const bytes of readRange(path, start, end, this.sources)) this.writeBytes(bytes);
  }

  /** Closes the file even when the last flush fails (a full disk), then reports the failure. */
  close(): void {
    try {
      this.flush();
    } finally {
      this.sources.close();
      closeSync(this.fd);
    }
  }
}
