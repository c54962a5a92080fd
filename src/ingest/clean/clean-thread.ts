import { Worker } from 'node:worker_threads';
import type { Flagged } from '../../secrets/index.js';
import { asciiAutomaton, walkAsciiLines } from './ascii-lines.js';

/** What cleanAsciiLines returns: the cleaned length and the flagged lines, or undefined. */
export type Walked = (Flagged & { length: number }) | undefined;

/** Chunks given to the thread as one: their bytes in `raw`, cleaned into `out` once walked. */
export interface ThreadJob {
  readonly slot: number;
  /** The chunks as given, one after the other, each with a last `\n` added when it had none. */
  readonly raw: Buffer;
  /** The cleaned bytes, as cleanAsciiLines writes them (its first `length` bytes). */
  readonly out: Buffer;
  readonly walked: Promise<Walked>;
}

/** A FileChunks read (2 MiB) and the `\n` the last one may need, with room to spare. */
export const SLOT_BYTES = (1 << 21) + 4096;

/**
 * The worker's code inline (see gzip-file.ts: no script to find from dist/, the standalone
 * build or the TypeScript sources): walkAsciiLines' own source text, which reads no name from
 * outside its body. Replies come in the order the chunks were given.
 */
function workerCode(): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
const walk = (${walkAsciiLines.toString()});
const table = workerData.table;
const inputs = workerData.inputs.map((s) => new Uint8Array(s));
const outputs = workerData.outputs.map((s) => new Uint8Array(s));
parentPort.on('message', ({ slot, length }) => {
  parentPort.postMessage(walk(inputs[slot].subarray(0, length), outputs[slot], table) ?? null);
});
`;
}

/**
 * cleanAsciiLines on a thread of its own, so the clean pass walks chunk N+1 while the main
 * thread masks and writes chunk N: the walk, one dependent table load per byte, was ~30% of
 * the main thread of a 200 MB ingest. Chunks go through `slots` shared buffers (copied in,
 * 15-20 ms per 200 MB; the cleaned bytes are read in place), so no source buffer is held past
 * its chunk (FileChunks.recycle stays as it is).
 */
export class CleanThread {
  /** Chunks walked on a thread so far, in this process (tests check the path was taken). */
  static walked = 0;
  private readonly worker: Worker;
  private readonly inputs: Buffer[] = [];
  private readonly outputs: Buffer[] = [];
  private readonly free: number[] = [];
  private readonly waiting: { resolve: (w: Walked) => void; reject: (e: Error) => void }[] = [];
  /** Jobs sent to the thread, oldest first: the owner takes them in this order. */
  readonly sent: ThreadJob[] = [];
  /** The slot being filled (see add), and how many of its bytes are. */
  private filling: number | undefined;
  private fill = 0;
  private failure: Error | undefined;

  constructor(
    slots = 4,
    readonly slotBytes = SLOT_BYTES,
  ) {
    const inputs: SharedArrayBuffer[] = [];
    const outputs: SharedArrayBuffer[] = [];
    for (let slot = 0; slot < slots; slot++) {
      inputs.push(new SharedArrayBuffer(slotBytes));
      outputs.push(new SharedArrayBuffer(slotBytes));
      this.inputs.push(Buffer.from(inputs[slot] as SharedArrayBuffer));
      this.outputs.push(Buffer.from(outputs[slot] as SharedArrayBuffer));
      this.free.push(slots - 1 - slot);
    }
    this.worker = new Worker(workerCode(), {
      eval: true,
      workerData: { table: asciiAutomaton(), inputs, outputs },
    });
    this.worker.on('message', (walked: Walked | null) => {
      CleanThread.walked++;
      this.waiting.shift()?.resolve(walked ?? undefined);
    });
    this.worker.once('error', (error) => this.fail(error));
    this.worker.once('exit', (code) => this.fail(new Error(`clean thread exit code ${code}`)));
  }

  /** `length` bytes (and a `\n`) fit in a slot. */
  fits(length: number): boolean {
    return length < this.slotBytes;
  }

  /**
   * add(bytes) can take `length` bytes now: they fit in the slot being filled, or a slot is
   * free for them. Otherwise the oldest job must be taken (and released) first.
   */
  canAdd(length: number): boolean {
    const room = this.filling !== undefined && this.fill + length < this.slotBytes;
    return room || this.free.length > 0;
  }

  /**
   * Copies `bytes` (whole ASCII lines; see fits and canAdd) after the chunks in the slot being
   * filled, or sends that slot and fills a new one when they do not fit. A read of a file gives
   * the line the last read cut, then the rest: sent apart, that line took a slot and a round
   * trip of its own, half the jobs.
   */
  add(bytes: Uint8Array): void {
    if (this.filling !== undefined && this.fill + bytes.length >= this.slotBytes) this.send();
    if (this.filling === undefined) {
      const slot = this.free.pop();
      if (slot === undefined) throw new Error('no free slot in the clean thread');
      this.filling = slot;
      this.fill = 0;
    }
    const raw = this.inputs[this.filling] as Buffer;
    raw.set(bytes, this.fill);
    this.fill += bytes.length;
    if (bytes.length === 0 || bytes[bytes.length - 1] !== 10) raw[this.fill++] = 10;
  }

  /** Sends the slot being filled, if any: every chunk added is then in `sent`. */
  send(): void {
    const slot = this.filling;
    if (slot === undefined) return;
    this.filling = undefined;
    const length = this.fill;
    const walked = new Promise<Walked>((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.waiting.push({ resolve, reject });
    });
    // Handled here until the owner awaits it (a failure still rejects there).
    walked.catch(() => undefined);
    if (!this.failure) this.worker.postMessage({ slot, length });
    const raw = (this.inputs[slot] as Buffer).subarray(0, length);
    this.sent.push({ slot, raw, out: this.outputs[slot] as Buffer, walked });
  }

  /** The job's slot is free again: nothing of its raw or out bytes is held any more. */
  release(job: ThreadJob): void {
    this.free.push(job.slot);
  }

  /** Stops the thread; chunks still out fail. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const wait of this.waiting.splice(0)) wait.reject(this.failure);
  }
}
