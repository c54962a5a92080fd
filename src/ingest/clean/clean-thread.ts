import { Worker } from 'node:worker_threads';
import type { Flagged } from '../../secrets/index.js';
import { asciiAutomaton, walkAsciiLines } from './ascii-lines.js';

/** What cleanAsciiLines returns: the cleaned length and the flagged lines, or undefined. */
export type Walked = (Flagged & { length: number }) | undefined;

/** One chunk given to the thread: its bytes in `raw`, cleaned into `out` once `walked` settles. */
export interface ThreadJob {
  readonly slot: number;
  /** The chunk as given, with a last `\n` added when it had none. */
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
 * the main thread of a 200 MB ingest. Chunks go through `slots` shared buffers (each chunk is
 * copied in, ~1 ms per 2 MiB; the cleaned bytes are read in place), so no source buffer is
 * held past its chunk (FileChunks.recycle stays as it is).
 */
export class CleanThread {
  /** Chunks walked on a thread so far, in this process (tests check the path was taken). */
  static walked = 0;
  private readonly worker: Worker;
  private readonly inputs: Buffer[] = [];
  private readonly outputs: Buffer[] = [];
  private readonly free: number[] = [];
  private readonly waiting: { resolve: (w: Walked) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(
    slots = 3,
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

  /** A slot is free for submit. */
  get ready(): boolean {
    return this.free.length > 0 && !this.failure;
  }

  /** `length` bytes (and a `\n`) fit in a slot. */
  fits(length: number): boolean {
    return length < this.slotBytes;
  }

  /** Copies `bytes` (whole ASCII lines; see fits and ready) into a free slot and walks them. */
  submit(bytes: Uint8Array): ThreadJob {
    const slot = this.free.pop();
    if (slot === undefined) throw new Error('no free slot in the clean thread');
    const raw = this.inputs[slot] as Buffer;
    raw.set(bytes);
    let length = bytes.length;
    if (length === 0 || bytes[length - 1] !== 10) raw[length++] = 10;
    const walked = new Promise<Walked>((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.waiting.push({ resolve, reject });
    });
    // Handled here until the owner awaits it (a failure still rejects there).
    walked.catch(() => undefined);
    if (!this.failure) this.worker.postMessage({ slot, length });
    return { slot, raw: raw.subarray(0, length), out: this.outputs[slot] as Buffer, walked };
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
