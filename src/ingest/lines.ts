import { closeSync, openSync, writeSync } from 'node:fs';

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

/** Buffered synchronous writes to one file: simple, fast, and ordered. */
export class FileSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  /** Bytes written so far, buffered ones included: where the next write will start. */
  position = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    this.position += Buffer.byteLength(text);
    if (this.size > 1 << 18) this.flush();
  }

  line(text: string): void {
    this.write(`${text}\n`);
  }

  flush(): void {
    if (!this.parts.length) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  /** Closes the file even when the last flush fails (a full disk), then reports the failure. */
  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}
