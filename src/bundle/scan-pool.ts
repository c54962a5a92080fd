import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { invariantBroken } from '../errors.js';
import type { CachedScan } from './scan-cache.js';
import { scanContent } from './scan-content.js';
import { receiveVerdict, type SentVerdict, sendVerdict } from './scan-verdict.js';

export interface ScanRequest {
  index: number;
  path: string;
  content: Uint8Array | undefined;
}

/** Files are posted in batches of about this many bytes: one message per small file costs more. */
const BATCH_BYTES = 256 * 1024;
/** Bytes posted but not yet scanned before the packer waits: bounds memory on 50,000 files. */
const BACKLOG_BYTES = 16 * 1024 * 1024;
/**
 * Batches each thread holds at once. The rest wait here, so a main thread that would otherwise
 * wait for the scan threads (at the end, or held back by BACKLOG_BYTES) scans them itself:
 * with all 16 MB posted to the thread, the repetitive bench's packer waited 0.4-0.6 s for it at
 * the end (load 3-4). Two keep a thread busy while its answer to the first crosses back.
 */
const IN_FLIGHT = 2;
/**
 * Above this much to scan a second thread pays for its start (~0.1 s of CPU to load, tens of
 * MB of memory). The scan costs 12-20 ms of CPU per MiB, several times less than what the main
 * thread does with the same bytes, so below this one thread keeps ahead of the packer: on the
 * bench's 20 MB inputs a second one only took CPU from the main thread and gzip. One thread
 * against two, alternated, load 1.7-2.8: the bench's `bundle` input 1.77 vs 1.93 s wall, 2.66
 * vs 2.97 s CPU (medians of 4); the repetitive one 2.77 vs 2.88 s, 4.16 vs 4.42 s (of 7).
 */
const SECOND_WORKER_BYTES = 64 * 1024 * 1024;

/**
 * Parses and scans files on other cores while the main thread packs and hashes: on a fresh
 * clone YAML parsing and the credential rules are most of a bundle's time. With much to scan
 * and two cores or more, two threads share it (the main thread mostly waits on gzip, which
 * runs on the thread pool). Verdicts come back in any order; the caller places them by index,
 * so results do not depend on timing.
 */
export class ScanWorker {
  private readonly verdicts = new Map<number, CachedScan>();
  private batch: ScanRequest[] = [];
  private batchBytes = 0;
  /** Full batches no thread holds yet: the threads take the oldest, the main thread the newest. */
  private readonly queue: ScanRequest[][] = [];
  private backlog = 0;
  private readonly sizes = new Map<number, number>();
  /** Batches posted to each thread and not yet answered: the next one goes to the least busy. */
  private readonly outstanding: number[];
  /** Files the main thread scanned itself while it would have waited (for tests). */
  scannedHere = 0;
  private failure: Error | undefined;
  private waiters: Array<() => void> = [];

  private constructor(private readonly workers: Worker[]) {
    this.outstanding = workers.map(() => 0);
    workers.forEach((worker, w) => {
      // Held only while someone waits on it: a bundle that fails half-way must still exit.
      worker.unref();
      worker.on('message', (verdicts: SentVerdict[]) => {
        for (const sent of verdicts) this.settle(sent.index, receiveVerdict(sent));
        this.outstanding[w] = (this.outstanding[w] ?? 0) - 1;
        this.dispatch();
        this.wake();
      });
      worker.on('error', (error) => {
        this.failure = error;
        this.wake();
      });
    });
  }

  /**
   * Undefined when the compiled worker is not there (running from TypeScript sources, as the
   * tests do): the caller then scans on the main thread, with the same results.
   */
  static start(bytesToScan = 0): ScanWorker | undefined {
    const script = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
    if (!existsSync(script)) return undefined;
    const count = bytesToScan >= SECOND_WORKER_BYTES && availableParallelism() >= 2 ? 2 : 1;
    return new ScanWorker(Array.from({ length: count }, () => new Worker(script)));
  }

  /** How many threads scan (1 or 2). */
  get threads(): number {
    return this.workers.length;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** `content` is handed over: its bytes must not be read again once submitted. */
  submit(index: number, path: string, content: Buffer | undefined): void {
    const size = content?.length ?? 0;
    // A Buffer is often a view of a larger pooled ArrayBuffer, which postMessage would copy (and
    // transferring would take from every other Buffer in the pool): a view gets its own copy.
    const own =
      content && content.byteLength !== content.buffer.byteLength
        ? new Uint8Array(content)
        : content;
    this.batch.push({ index, path, content: own });
    this.sizes.set(index, size);
    this.batchBytes += size;
    this.backlog += size;
    if (this.batchBytes >= BATCH_BYTES) this.post();
  }

  private settle(index: number, verdict: CachedScan): void {
    this.verdicts.set(index, verdict);
    this.backlog -= this.sizes.get(index) ?? 0;
    this.sizes.delete(index);
  }

  private post(): void {
    if (!this.batch.length) return;
    this.queue.push(this.batch);
    this.batch = [];
    this.batchBytes = 0;
    this.dispatch();
  }

  /** Hands queued batches to threads holding fewer than IN_FLIGHT. */
  private dispatch(): void {
    while (this.queue.length) {
      let least = 0;
      this.outstanding.forEach((batches, w) => {
        if (batches < (this.outstanding[least] ?? 0)) least = w;
      });
      if ((this.outstanding[least] ?? 0) >= IN_FLIGHT) return;
      const batch = this.queue.shift() as ScanRequest[];
      this.workers[least]?.postMessage(batch, transferable(batch));
      this.outstanding[least] = (this.outstanding[least] ?? 0) + 1;
    }
  }

  /**
   * Scans the newest queued batch here as a thread would, to the same form (objects held as
   * JSON, not as thousands of objects for the GC to carry to the cache save); false when none
   * is queued. Its bytes are then detached as a posted batch's are.
   */
  private scanOne(): boolean {
    const batch = this.queue.pop();
    if (!batch) return false;
    for (const { index, path, content } of batch) {
      this.settle(index, receiveVerdict(sendVerdict(index, scanContent(path, content))));
      this.scannedHere++;
    }
    structuredClone(undefined, { transfer: transferable(batch) });
    return true;
  }

  /** A promise to await before sending more when the workers are behind, else undefined. */
  backpressure(): Promise<void> | undefined {
    if (this.backlog <= BACKLOG_BYTES && !this.failure) return undefined;
    this.post();
    return this.until(() => this.backlog <= BACKLOG_BYTES / 2);
  }

  private async until(done: () => boolean): Promise<void> {
    for (const worker of this.workers) worker.ref();
    try {
      while (!done()) {
        if (this.failure)
          throw invariantBroken(`the scan worker failed: ${this.failure.message}`, this.failure);
        // One batch at a time, then the threads' answers are taken in (setImmediate runs after
        // the event loop has polled for them) and they are handed more.
        if (this.scanOne()) await new Promise<void>((resolve) => setImmediate(resolve));
        else await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      for (const worker of this.workers) worker.unref();
    }
  }

  /** Every verdict, once the worker has scanned all it was sent; then the worker stops. */
  async results(): Promise<Map<number, CachedScan>> {
    this.post();
    try {
      await this.until(() => this.sizes.size === 0);
    } finally {
      await Promise.all(this.workers.map((worker) => worker.terminate()));
    }
    return this.verdicts;
  }
}

/**
 * A batch's ArrayBuffers to move rather than copy: each content owns its ArrayBuffer (submit
 * made sure) and the main thread never reads it again, so the copy of every byte is saved.
 */
function transferable(batch: readonly ScanRequest[]): ArrayBuffer[] {
  const transfer = new Set<ArrayBuffer>();
  for (const { content } of batch)
    if (content && content.byteOffset === 0 && content.byteLength === content.buffer.byteLength)
      transfer.add(content.buffer as ArrayBuffer);
  return [...transfer];
}
