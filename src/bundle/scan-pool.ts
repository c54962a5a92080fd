import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AirgapError } from '../errors.js';
import type { CachedScan } from './scan-cache.js';

export interface ScanRequest {
  index: number;
  path: string;
  content: Uint8Array | undefined;
}

export interface ScanVerdict {
  index: number;
  verdict: CachedScan;
}

/** Files are posted in batches of about this many bytes: one message per small file costs more. */
const BATCH_BYTES = 256 * 1024;
/** Bytes posted but not yet scanned before the packer waits: bounds memory on 50,000 files. */
const BACKLOG_BYTES = 16 * 1024 * 1024;

/**
 * Parses and scans files on a second core while the main thread packs and hashes: on a fresh
 * clone YAML parsing is most of a bundle's main-thread time. Verdicts come back in any order;
 * the caller places them by index, so results do not depend on timing.
 */
export class ScanWorker {
  private readonly verdicts = new Map<number, CachedScan>();
  private batch: ScanRequest[] = [];
  private batchBytes = 0;
  private backlog = 0;
  private readonly sizes = new Map<number, number>();
  private failure: Error | undefined;
  private waiters: Array<() => void> = [];

  private constructor(private readonly worker: Worker) {
    // Held only while someone waits on it: a bundle that fails half-way must still exit.
    worker.unref();
    worker.on('message', (verdicts: ScanVerdict[]) => {
      for (const { index, verdict } of verdicts) {
        this.verdicts.set(index, verdict);
        this.backlog -= this.sizes.get(index) ?? 0;
        this.sizes.delete(index);
      }
      this.wake();
    });
    worker.on('error', (error) => {
      this.failure = error;
      this.wake();
    });
  }

  /**
   * Undefined when the compiled worker is not there (running from TypeScript sources, as the
   * tests do): the caller then scans on the main thread, with the same results.
   */
  static start(): ScanWorker | undefined {
    const script = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
    if (!existsSync(script)) return undefined;
    return new ScanWorker(new Worker(script));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  submit(index: number, path: string, content: Buffer | undefined): void {
    const size = content?.length ?? 0;
    // A Buffer is often a view of a larger pooled ArrayBuffer, which postMessage would copy whole.
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
    this.worker.postMessage(this.batch);
    this.batch = [];
    this.batchBytes = 0;
  }

  /** A promise to await before sending more when the worker is behind, else undefined. */
  backpressure(): Promise<void> | undefined {
    if (this.backlog <= BACKLOG_BYTES && !this.failure) return undefined;
    this.post();
    return this.until(() => this.backlog <= BACKLOG_BYTES / 2);
  }

  private async until(done: () => boolean): Promise<void> {
    this.worker.ref();
    try {
      while (!done()) {
        if (this.failure)
          throw new AirgapError(`internal: the scan worker failed: ${this.failure.message}`);
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      this.worker.unref();
    }
  }

  /** Every verdict, once the worker has scanned all it was sent; then the worker stops. */
  async results(): Promise<Map<number, CachedScan>> {
    this.post();
    try {
      await this.until(() => this.sizes.size === 0);
    } finally {
      await this.worker.terminate();
    }
    return this.verdicts;
  }
}
