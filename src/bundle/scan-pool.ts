import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { invariantBroken } from '../errors.js';
import type { CachedScan } from './scan-cache.js';
import { receiveVerdict, type SentVerdict } from './scan-verdict.js';

/**
 * node:worker_threads, loaded when a worker starts: a small first bundle scans on the main
 * thread and compiled node's worker modules (internal/worker, its io and messaging) for nothing.
 */
let workerThreads: typeof import('node:worker_threads') | undefined;
function workerModule(): typeof import('node:worker_threads') {
  workerThreads ??= createRequire(import.meta.url)(
    'node:worker_threads',
  ) as typeof import('node:worker_threads');
  return workerThreads;
}

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
 * Above this much to scan a second thread pays for its start (~0.1 s of CPU to load, tens of
 * MB of memory). The scan costs 12-20 ms of CPU per MiB, several times less than what the main
 * thread does with the same bytes, so below this one thread keeps ahead of the packer: on the
 * bench's 20 MB inputs a second one only took CPU from the main thread and gzip. One thread
 * against two, alternated, load 1.7-2.8: the bench's `bundle` input 1.77 vs 1.93 s wall, 2.66
 * vs 2.97 s CPU (medians of 4); the repetitive one 2.77 vs 2.88 s, 4.16 vs 4.42 s (of 7).
 * Again with the cache in runs (v9), under SCHED_RR so other load did not count: the
 * repetitive one (60 MB to scan) with a second thread from 32 MiB, 2.19 vs 1.94 s wall, 3.64
 * vs 3.08 s CPU (medians of 6). The main thread scanning instead of waiting lost as well.
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
  private backlog = 0;
  private readonly sizes = new Map<number, number>();
  /** Bytes posted to each thread and not yet answered: the next batch goes to the least busy. */
  private readonly outstanding: number[];
  private failure: Error | undefined;
  private waiters: Array<() => void> = [];

  private constructor(private readonly workers: Worker[]) {
    this.outstanding = workers.map(() => 0);
    workers.forEach((worker, w) => {
      // Held only while someone waits on it: a bundle that fails half-way must still exit.
      worker.unref();
      worker.on('message', (verdicts: SentVerdict[]) => {
        for (const sent of verdicts) {
          const index = sent.index;
          const size = this.sizes.get(index) ?? 0;
          this.verdicts.set(index, receiveVerdict(sent));
          this.backlog -= size;
          this.outstanding[w] = (this.outstanding[w] ?? 0) - size;
          this.sizes.delete(index);
        }
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
    const { Worker } = workerModule();
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

  private post(): void {
    if (!this.batch.length) return;
    let least = 0;
    this.outstanding.forEach((bytes, w) => {
      if (bytes < (this.outstanding[least] ?? 0)) least = w;
    });
    // Moved, not copied: each content owns its ArrayBuffer (submit made sure) and the main
    // thread never reads it again, so the structured clone's copy of every byte is saved.
    const transfer = new Set<ArrayBuffer>();
    for (const { content } of this.batch)
      if (content && content.byteOffset === 0 && content.byteLength === content.buffer.byteLength)
        transfer.add(content.buffer as ArrayBuffer);
    this.workers[least]?.postMessage(this.batch, [...transfer]);
    this.outstanding[least] = (this.outstanding[least] ?? 0) + this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
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
        await new Promise<void>((resolve) => this.waiters.push(resolve));
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
