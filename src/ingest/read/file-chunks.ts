import { open } from 'node:fs/promises';

/**
 * A file read in chunks of `size` bytes, each chunk's memory read into again once its reader
 * hands it back (recycle). A new buffer per read (as a read stream makes) is fresh memory the
 * kernel faults in page by page, then garbage: on a 200 MB transcript in 2 MiB reads, reading
 * and the ASCII check cost ~370 ms CPU into fresh buffers and ~20 ms into a reused one.
 * A chunk nobody hands back is simply never reused: whatever holds chunks (gunzip, a
 * recording's parser) stays safe; only the clean pass, which keeps no part of a chunk once it
 * asks for the next, gives them back (see readTextChunks).
 */
export class FileChunks implements AsyncIterable<Buffer> {
  /** Each chunk handed out, to the buffer it is a view of: only these are taken back. */
  private readonly issued = new WeakMap<Buffer, Buffer>();
  private readonly spare: Buffer[] = [];

  constructor(
    readonly path: string,
    readonly size: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const file = await open(this.path, 'r');
    // The next read is under way while the reader works on a chunk: awaited only when it asks
    // for the next one, the read (on the thread pool) costs this thread no wait.
    // A read that fails is the error of the chunk it was for, when the reader asks for it:
    // handled now, not an unhandled rejection (which ends node) while the reader still works.
    const readInto = (buffer: Buffer) => {
      const read = file.read(buffer, 0, buffer.length, null);
      read.catch(() => {});
      return read;
    };
    let next: ReturnType<typeof readInto> | undefined;
    try {
      next = readInto(this.spare.pop() ?? Buffer.allocUnsafe(this.size));
      for (;;) {
        const { buffer, bytesRead } = await next;
        next = undefined;
        if (bytesRead === 0) break;
        // Into memory nobody holds: a chunk handed back (the one before this), or new memory.
        next = readInto(this.spare.pop() ?? Buffer.allocUnsafe(this.size));
        const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
        this.issued.set(chunk, buffer);
        yield chunk;
      }
    } finally {
      // A reader that stops early: the read under way ends before the file is closed.
      await next?.catch(() => undefined);
      await file.close();
    }
  }

  /** The caller holds no part of `chunk` any more (a chunk this did not hand out is ignored). */
  recycle(chunk: Buffer): void {
    const buffer = this.issued.get(chunk);
    if (!buffer) return;
    this.issued.delete(chunk);
    // One spare is enough for a reader that gives each chunk back before taking the next: it
    // is read into while the reader works on the chunk after it.
    if (this.spare.length < 2) this.spare.push(buffer);
  }
}
