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
// Once the copy is hashed, the worker can hash a second file as it is written (follow): the
// runbook rendered from the copy, while its gzip may still run.
const hashBuffer = workerData.hash ? Buffer.allocUnsafe(1 << 20) : undefined;
function following(path, start) {
  const fd = openSync(path, 'r');
  return { fd, hash: createHash('sha256'), position: start, available: start, ended: false };
}
function hashTo(job, of) {
  while (job.position < job.available) {
    const want = Math.min(hashBuffer.length, job.available - job.position);
    const read = readSync(job.fd, hashBuffer, 0, want, job.position);
    if (read === 0) throw new Error('the file ended before what was written to it');
    job.hash.update(hashBuffer.subarray(0, read));
    job.position += read;
  }
  if (!job.ended) return;
  closeSync(job.fd);
  parentPort.postMessage({ sha256: job.hash.digest('hex'), of });
}
const copy = workerData.hash ? following(workerData.from, 0) : undefined;
let other;
if (copy) {
  copy.available = available;
  hashTo(copy, 'copy');
}
if (growing)
  parentPort.on('message', (m) => {
    if (m.close) return parentPort.close();
    if (m.follow !== undefined) return (other = following(m.follow, m.start));
    if (m.followed !== undefined) {
      other.available = m.followed;
      other.ended = m.end;
      return hashTo(other, 'other');
    }
    available = m.available;
    ended = m.end;
    if (copy) {
      copy.available = available;
      copy.ended = ended;
      hashTo(copy, 'copy');
    }
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
  // A hashing worker waits for a file to follow, or to be told to close.
  if (!workerData.hash) parentPort.close();
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
  /** Rejects when the worker fails or stops before it is told to close. */
  private readonly lost: Promise<never>;
  private readonly digests = new Map<string, (sha256: string) => void>();
  private readonly hashing: boolean;
  private closing = false;
  /** The gzip is written (the worker's `done`); a followed file's digest is awaited. */
  private gzipped = false;
  private following = false;
  /** What the worker was last told is written (see grow). */
  private told = 0;

  /**
   * `available`: the file is still being written, this much so far (see grow and end).
   * `hash` (only with `available`): the worker hashes the file too (see sha256), then waits
   * for another file to follow (see follow) until close() or cancel().
   */
  constructor(
    readonly from: string,
    readonly to: string,
    available?: number,
    hash = false,
  ) {
    this.hashing = hash && available !== undefined;
    this.worker = new Worker(GZIP, {
      eval: true,
      workerData: { from, to, available, level: KEPT_GZIP_LEVEL, hash: this.hashing },
    });
    this.told = available ?? 0;
    const worker = this.worker;
    let finished: (() => void) | undefined;
    const gzipped = new Promise<void>((resolve) => (finished = resolve));
    this.lost = new Promise((_, reject) => {
      worker.on('message', (message: { sha256?: string; of?: string; done?: true }) => {
        if (message.sha256 !== undefined) this.digests.get(message.of ?? '')?.(message.sha256);
        if (!message.done) return;
        finished?.();
        this.gzipped = true;
        this.holdProcess();
      });
      // A failure inside the worker is an uncaught error there, reported here. An exit settles
      // what is still awaited (after `done`, a digest never sent).
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`gzip of ${from} stopped (worker exit code ${code})`)),
      );
    });
    this.lost.catch(() => undefined);
    this.done = Promise.race([gzipped, this.lost]);
    // Handled here until the owner awaits it (its failure still rejects there).
    this.done.catch(() => undefined);
    this.sha256 = this.hashing ? this.digest('copy') : undefined;
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

  /**
   * A hashing worker (see `hash`) hashes another file being written, from byte `start`, on its
   * own read (the runbook, while this thread renders it: ~0.65 ms of sha256 per MB off this
   * thread). Tell it how far the file is written, then its end, which gives the sha256 of
   * [start, end). Undefined when this worker does not hash, or was cancelled or closed.
   */
  follow(path: string, start: number): FollowedFile | undefined {
    if (!this.hashing || this.closing) return undefined;
    this.worker.postMessage({ follow: path, start });
    const sha256 = this.digest('other');
    this.following = true;
    this.holdProcess();
    sha256
      .finally(() => {
        this.following = false;
        this.holdProcess();
      })
      .catch(() => undefined);
    let told = start;
    return {
      grow: (written) => {
        if (written - told < GROW_STEP) return;
        told = written;
        this.worker.postMessage({ followed: written, end: false });
      },
      end: (written) => {
        this.worker.postMessage({ followed: written, end: true });
        return sha256;
      },
    };
  }

  /** Lets a hashing worker end once its gzip is done (a gzip-only one ends by itself). */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.worker.postMessage({ close: true });
  }

  /** Stops the worker (its output is left incomplete) and waits until it has stopped. */
  async cancel(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  /**
   * The worker keeps the process alive while it has work this thread awaits (its gzip, a file
   * it follows), not while it only waits for a file to follow: an await on it must not end in
   * an exit (code 13), and nobody closing it must not keep the process running.
   */
  private holdProcess(): void {
    if (!this.gzipped || this.following) this.worker.ref();
    else this.worker.unref();
  }

  /** The next digest the worker sends for `of`, or its failure. */
  private digest(of: string): Promise<string> {
    const sha256 = Promise.race([
      new Promise<string>((resolve) => this.digests.set(of, resolve)),
      this.lost,
    ]);
    sha256.catch(() => undefined);
    return sha256;
  }
}

/** A file another thread hashes as it is written (see GzipFile.follow). */
export interface FollowedFile {
  /** The file now holds `written` bytes. */
  grow(written: number): void;
  /** The file is complete at `written` bytes: the sha256 of its bytes from `start`. */
  end(written: number): Promise<string>;
}

/** Gzips a complete file on another thread (see GzipFile). */
export function gzipFile(from: string, to: string): Promise<void> {
  return new GzipFile(from, to).done;
}
