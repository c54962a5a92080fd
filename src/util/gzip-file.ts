import { Worker } from 'node:worker_threads';

// The worker's code inline (CommonJS, as eval workers run): no separate script to find, so it
// runs the same from dist/, from the one-file standalone build and from TypeScript sources.
// It reads the file as it grows, up to what the main thread says is written (to its end when
// nothing is said), so it can compress a file that is still being written.
// One reused read buffer, each part written once gzip has taken the last (its write callback):
// a stream's new buffer per read was garbage the worker collected late, 50 MB more RSS.
const GZIP = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, createWriteStream, openSync, readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { pipeline } = require('node:stream/promises');
const { createGzip } = require('node:zlib');
const gzip = createGzip({ level: workerData.level });
const written = pipeline(gzip, createWriteStream(workerData.to));
const fd = openSync(workerData.from, 'r');
const buffer = Buffer.allocUnsafe(1 << 20);
const growing = workerData.available !== undefined;
let available = growing ? workerData.available : Number.POSITIVE_INFINITY;
let ended = !growing;
let wake;
// The hash reads on its own, as soon as bytes are written, not as gzip takes them: the gzip
// lags behind the writer (0.23-0.52 s after the last write at load 8, on 200 MB), and the
// digest is wanted then. A second read of what is in the page cache is ~0.2 ms per MB.
const hash = workerData.hash ? createHash('sha256') : undefined;
const hashFd = hash ? openSync(workerData.from, 'r') : undefined;
const hashBuffer = hash ? Buffer.allocUnsafe(1 << 20) : undefined;
let hashed = 0;
function hashTo(end) {
  while (hashed < end) {
    const read = readSync(hashFd, hashBuffer, 0, Math.min(hashBuffer.length, end - hashed), hashed);
    if (read === 0) throw new Error('the file ended before what was written to it');
    hash.update(hashBuffer.subarray(0, read));
    hashed += read;
  }
  if (!ended) return;
  closeSync(hashFd);
  parentPort.postMessage({ sha256: hash.digest('hex') });
}
if (hash) hashTo(available);
if (growing)
  parentPort.on('message', (m) => {
    available = m.available;
    ended = m.end;
    if (hash) hashTo(available);
    if (wake) wake();
  });
(async () => {
  let position = 0;
  try {
    for (;;) {
      if (position >= available) {
        if (ended) break;
        await new Promise((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      const want = Math.min(buffer.length, available - position);
      const read = readSync(fd, buffer, 0, want, position);
      if (read === 0) {
        if (growing) throw new Error('the file ended before what was written to it');
        break;
      }
      position += read;
      await new Promise((resolve, reject) =>
        gzip.write(buffer.subarray(0, read), (e) => (e ? reject(e) : resolve())),
      );
    }
  } finally {
    closeSync(fd);
  }
  gzip.end();
  await written;
  parentPort.postMessage({ done: true });
  parentPort.close();
})();
`;

/**
 * The kept transcript's gzip level. It only has to be gzip (a reader gunzips it; duplicates are
 * found by the plain copy's sha256), not level 6's bytes. On the bench's 200 MB transcript,
 * level 6 cost the worker ~1.2 s CPU and the main thread ended up waiting for it; level 1 cut
 * ingest's CPU by 0.3-0.7 s for a file 6% larger (19.7 MB against 18.5 MB).
 */
export const KEPT_GZIP_LEVEL = 1;

/** How far the file grows between two messages to the worker (see GzipFile.grow). */
const GROW_STEP = 4 << 20;

/**
 * Gzips a file on a thread of its own, into `to`: the bytes `pipeline(createReadStream(from),
 * createGzip({ level: KEPT_GZIP_LEVEL }), createWriteStream(to))` writes. A large kept
 * transcript is compressed while the main thread cleans, spools and renders: done after the
 * rest, its CPU was all wall time.
 */
export class GzipFile {
  /** Settles once `to` is complete. */
  readonly done: Promise<void>;
  /**
   * With `hash`, the sha256 of the whole file (from its first byte), known once the worker has
   * been told its end and has hashed up to it, whatever its gzip is at. Otherwise undefined.
   */
  readonly sha256: Promise<string> | undefined;
  private readonly worker: Worker;
  /** What the worker was last told is written (see grow). */
  private told = 0;

  /**
   * `available`: the file is still being written, this much so far (see grow and end).
   * `hash` (only with `available`): the worker hashes the file too (see sha256).
   */
  constructor(
    readonly from: string,
    readonly to: string,
    available?: number,
    hash = false,
  ) {
    const hashing = hash && available !== undefined;
    this.worker = new Worker(GZIP, {
      eval: true,
      workerData: { from, to, available, level: KEPT_GZIP_LEVEL, hash: hashing },
    });
    this.told = available ?? 0;
    const worker = this.worker;
    let digest: ((sha256: string) => void) | undefined;
    const digested = new Promise<string>((resolve) => (digest = resolve));
    this.done = new Promise((resolve, reject) => {
      let finished = false;
      worker.on('message', (message: { sha256?: string; done?: true }) => {
        if (message.sha256 !== undefined) digest?.(message.sha256);
        if (message.done) finished = true;
      });
      // A failure inside the worker is an uncaught error there, reported here.
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (finished) resolve();
        else reject(new Error(`gzip of ${from} stopped (worker exit code ${code})`));
      });
    });
    // Handled here until the owner awaits it (its failure still rejects there).
    this.done.catch(() => undefined);
    // A worker that fails before its digest rejects it too (the digest comes before `done`).
    this.sha256 = hashing ? Promise.race([digested, this.done.then(() => digested)]) : undefined;
    this.sha256?.catch(() => undefined);
  }

  /**
   * The file being compressed now holds `written` bytes. Told on only every GROW_STEP bytes:
   * the clean pass writes 256 KiB at a time, and a message each time (~800 on 200 MB) was
   * ~2.5% of its main thread in postMessage; the worker just follows a few MiB further back.
   */
  grow(written: number): void {
    if (written - this.told < GROW_STEP) return;
    this.told = written;
    this.worker.postMessage({ available: written, end: false });
  }

  /** The file is complete at `written` bytes. */
  end(written: number): void {
    this.worker.postMessage({ available: written, end: true });
  }

  /** Stops the worker (its output is left incomplete) and waits until it has stopped. */
  async cancel(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Gzips a complete file on another thread (see GzipFile). */
export function gzipFile(from: string, to: string): Promise<void> {
  return new GzipFile(from, to).done;
}
