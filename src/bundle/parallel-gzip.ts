import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { createGzip, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/**
 * The block's first size. Two 4 MiB blocks allocated up front for a 20 KiB archive were 8 MiB
 * of external memory, which made V8 run a full mark-compact of a 9 MB heap in a small first
 * bundle (--trace-gc); the block now grows as data arrives.
 */
const FIRST_BLOCK = 64 * 1024;

const SAMPLES = 8;
const SAMPLE_SIZE = 8 * 1024;

/**
 * True when every one of 8 evenly spread 8 KiB samples of the block shrinks by less than 10% at
 * level 1: random data, images, already-compressed files. Level 6 on such a block spends its
 * time searching for matches that are not there, and ends up writing stored blocks anyway.
 * (A sample holding a tar header and padding still shrinks by only about 4%.)
 */
async function looksIncompressible(block: Buffer): Promise<boolean> {
  if (block.length < SAMPLES * SAMPLE_SIZE * 2) return false;
  const step = Math.floor(block.length / SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const sample = block.subarray(i * step, i * step + SAMPLE_SIZE);
    const packed = await deflateRawAsync(sample, { level: 1 });
    if (packed.length < sample.length * 0.9) return false;
  }
  return true;
}

/**
 * A gzip member as the pieces zlib wrote it in: zlib.gzip() joins them into one new Buffer on
 * the main thread, a copy (and fresh memory) of every member that shrinks by little.
 */
function gzipPieces(block: Buffer, level: number, chunkSize: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    const gzip = createGzip({ level, chunkSize });
    gzip.on('data', (piece: Buffer) => pieces.push(piece));
    gzip.on('end', () => resolve(pieces));
    gzip.on('error', reject);
    gzip.end(block);
  });
}

/** Where compressed bytes go, in order; the promise is the backpressure. */
export interface ByteSink {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
}

export interface ParallelGzipOptions {
  level?: number;
  /** Uncompressed bytes per gzip member: the stream is cut at multiples of this, never by timing. */
  memberSize?: number;
  /** Members compressing at once on libuv's thread pool. */
  concurrency?: number;
}

/**
 * gzip on every core, reproducibly: the input is cut into fixed-size blocks, each compressed as
 * its own gzip member on the thread pool, and the members are written in input order. A
 * concatenation of members is one standard gzip stream (RFC 1952 §2.2) that gzip, `tar -xzf`
 * and zlib read; the bytes depend only on the input, not on which block finished first. A
 * member restarts the 32 KiB window, which costs about 0.1% of size at 4 MiB members.
 */
export class ParallelGzip implements ByteSink {
  private readonly level: number;
  private readonly memberSize: number;
  private readonly concurrency: number;
  private block: Buffer;
  private filled = 0;
  private readonly inFlight: Array<Promise<Buffer[]>> = [];
  /** Blocks whose members are compressed, to be filled again. */
  private readonly spare: Buffer[] = [];

  constructor(
    /** One gzip member at a time, in order, as the pieces zlib wrote it in. */
    private readonly out: (member: readonly Buffer[]) => Promise<void> | void,
    options: ParallelGzipOptions = {},
  ) {
    this.level = options.level ?? 6;
    this.memberSize = options.memberSize ?? 4 * 1024 * 1024;
    // One more than the cores: a core is never idle while the main thread fills the next block.
    this.concurrency = options.concurrency ?? Math.max(2, availableParallelism() + 1);
    this.block = Buffer.allocUnsafeSlow(Math.min(FIRST_BLOCK, this.memberSize));
  }

  /**
   * Room for `length` more bytes in the block, which starts at FIRST_BLOCK and doubles up to
   * memberSize: members are still cut at multiples of memberSize, so the bytes are the same.
   */
  private room(length: number): void {
    const needed = this.filled + length;
    if (needed <= this.block.length) return;
    let size = this.block.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafeSlow(Math.min(size, this.memberSize));
    this.block.copy(grown, 0, 0, this.filled);
    this.block = grown;
  }

  /** The room the block being filled has now (a test hook: a small archive keeps it small). */
  get capacity(): number {
    return this.block.length;
  }

  async write(chunk: Buffer): Promise<void> {
    await this.put(chunk);
  }

  /**
   * write() without a promise per call: copies the chunk and returns a promise only when a full
   * block is waiting for a compressor (50,000 files make 150,000 writes, most of them small).
   */
  put(chunk: Buffer): Promise<void> | undefined {
    const take = Math.min(chunk.length, this.memberSize - this.filled);
    this.room(take);
    chunk.copy(this.block, this.filled, 0, take);
    this.filled += take;
    if (this.filled < this.memberSize) return undefined;
    return this.putRest(chunk, take);
  }

  /**
   * A string's UTF-8 bytes. ASCII (one byte per character, so latin1 writes the same bytes) is
   * written straight into the block: Buffer.from made a fresh copy of a 9 MB bundle.json first,
   * and its new memory cost more than the encoding. Other text goes through Buffer.from.
   */
  async putText(text: string): Promise<void> {
    if (Buffer.byteLength(text) !== text.length) return this.write(Buffer.from(text));
    for (let at = 0; at < text.length; ) {
      const take = Math.min(text.length - at, this.memberSize - this.filled);
      this.room(take);
      this.block.write(text.slice(at, at + take), this.filled, take, 'latin1');
      this.filled += take;
      at += take;
      if (this.filled === this.memberSize) await this.dispatch(this.concurrency);
    }
  }

  /** `length` zero bytes (tar padding), without a Buffer to copy them from. */
  zeros(length: number): Promise<void> | undefined {
    const take = Math.min(length, this.memberSize - this.filled);
    this.room(take);
    this.block.fill(0, this.filled, this.filled + take);
    this.filled += take;
    if (this.filled < this.memberSize) return undefined;
    return this.putRest(Buffer.alloc(length - take), 0);
  }

  private async putRest(chunk: Buffer, offset: number): Promise<void> {
    await this.dispatch(this.concurrency);
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, this.memberSize - this.filled);
      this.room(take);
      chunk.copy(this.block, this.filled, offset, offset + take);
      this.filled += take;
      offset += take;
      if (this.filled === this.memberSize) await this.dispatch(this.concurrency);
    }
  }

  /** Compresses the last partial block and writes every member still in flight. */
  async end(): Promise<void> {
    if (this.filled > 0 || this.inFlight.length === 0) await this.dispatch(1);
    while (this.inFlight.length) await this.out(await this.inFlight.shift()!);
  }

  /** Decided by the block's content alone, so the output stays reproducible. */
  private async compress(block: Buffer): Promise<Buffer[]> {
    const level = (await looksIncompressible(block)) ? 0 : this.level;
    // Output in few pieces (zlib's default 16 KiB makes a trip back to the main thread for each),
    // but not a whole block's worth for text that shrinks to a tenth: every buffer allocated
    // here is external memory, and 600 MB of it made V8 mark the heap over and over.
    const chunkSize =
      level === 0 ? block.length + 64 * 1024 : Math.max(64 * 1024, block.length >> 3);
    const member = await gzipPieces(block, level, chunkSize);
    if (block.length === this.memberSize) this.spare.push(block);
    return member;
  }

  private async dispatch(limit: number): Promise<void> {
    const pending = this.compress(this.block.subarray(0, this.filled));
    // Awaited in order below; this only keeps a failure from being reported as unhandled.
    pending.catch(() => {});
    this.inFlight.push(pending);
    // A block whose member is done is filled again: a new 4 MiB each time was external memory.
    // After a full block the next is likely full too: allocated whole, not grown.
    this.block =
      this.spare.pop() ??
      Buffer.allocUnsafeSlow(
        this.filled === this.memberSize ? this.memberSize : Math.min(FIRST_BLOCK, this.memberSize),
      );
    this.filled = 0;
    while (this.inFlight.length >= limit) await this.out(await this.inFlight.shift()!);
  }
}
