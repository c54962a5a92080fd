import { Worker } from 'node:worker_threads';

// The worker's code inline (CommonJS, as eval workers run): no separate script to find, so it
// runs the same from dist/, from the one-file standalone build and from TypeScript sources.
// It reads the file as it grows, from \`start\`, up to what the main thread says is written (to
// its end when nothing is said), so it can compress a file that is still being written. Without
// \`to\` it only hashes (FileHash).
// One reused read buffer, each part written once gzip has taken the last (its write callback):
// a stream's new buffer per read was garbage the worker collected late, 50 MB more RSS.
const GZIP = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, createWriteStream, openSync, readSync } = require('node:fs');
const { pipeline } = require('node:stream/promises');
const { createGzip } = require('node:zlib');
const { createHash } = require('node:crypto');
const hash = workerData.hash ? createHash('sha256') : undefined;
const gzip = workerData.to ? createGzip({ level: workerData.level }) : undefined;
const written = gzip ? pipeline(gzip, createWriteStream(workerData.to)) : undefined;
const fd = openSync(workerData.from, 'r');
const buffer = Buffer.allocUnsafe(1 << 20);
const growing = workerData.available !== undefined;
let available = growing ? workerData.available : Number.POSITIVE_INFINITY;
let ended = !growing;
let wake;
if (growing)
  parentPort.on('message', (m) => {
    available = m.available;
    ended = m.end;
    if (wake) wake();
  });
(async () => {
  let position = workerData.start;
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
      hash?.update(buffer.subarray(0, read));
      if (gzip)
        await new Promise((resolve, reject) =>
          gzip.write(buffer.subarray(0, read), (e) => (e ? reject(e) : resolve())),
        );
    }
  } finally {
    closeSync(fd);
  }
  // The file's digest as soon as it is all read: the main thread waits for it, not for gzip.
  if (hash) parentPort.postMessage({ sha256: hash.digest('hex') });
  gzip?.end();
  await written;
  parentPort.postMessage('done');
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
 * A file read on a thread of its own as it is written (see the worker's code above): gzipped
 * into a file (GzipFile), hashed (FileHash), or both.
 */
class FileFollower {
  /** Settles once the worker is done (`to` complete, when there is one). */
  readonly done: Promise<void>;
  /**
   * The sha256 of the file from `start` to its end, once the worker has read it all; only
   * with `hash`. The clean pass's copy over the limit is hashed here, off the main thread.
   */
  readonly sha256: Promise<string>;
  private readonly worker: Worker;
  /** What the worker was last told is written (see grow). */
  private told = 0;

  protected constructor(
    readonly from: string,
    options: { to?: string; available?: number; hash: boolean; start?: number },
  ) {
    const { to, available, hash, start = 0 } = options;
    this.worker = new Worker(GZIP, {
      eval: true,
      workerData: { from, to, available, level: KEPT_GZIP_LEVEL, hash, start },
    });
    this.told = available ?? 0;
    const worker = this.worker;
    let digest: (sha256: string) => void = () => undefined;
    const digested = new Promise<string>((resolve) => {
      digest = resolve;
    });
    this.done = new Promise((resolve, reject) => {
      let finished = false;
      worker.on('message', (message: 'done' | { sha256: string }) => {
        if (message === 'done') finished = true;
        else digest(message.sha256);
      });
      // A failure inside the worker is an uncaught error there, reported here.
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (finished) resolve();
        else
          reject(
            new Error(`${to ? 'gzip' : 'sha256'} of ${from} stopped (worker exit code ${code})`),
          );
      });
    });
    // Handled here until the owner awaits it (its failure still rejects there).
    this.done.catch(() => undefined);
    // The digest comes before `done`; a worker that fails first fails it too.
    this.sha256 = Promise.race([
      digested,
      this.done.then(() => Promise.reject(new Error(`no sha256 of ${from}: not asked for`))),
    ]);
    this.sha256.catch(() => undefined);
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

/**
 * Gzips a file on a thread of its own, into `to`: the bytes `pipeline(createReadStream(from),
 * createGzip({ level: KEPT_GZIP_LEVEL }), createWriteStream(to))` writes. A large kept
 * transcript is compressed while the main thread cleans, spools and renders: done after the
 * rest, its CPU was all wall time.
 */
export class GzipFile extends FileFollower {
  /**
   * `available`: the file is still being written, this much so far (see grow and end).
   * `hash`: also give the file's sha256 (see sha256).
   */
  constructor(
    from: string,
    readonly to: string,
    available?: number,
    hash = false,
  ) {
    super(from, { to, available, hash });
  }
}

/**
 * The sha256 of a file from `start`, taken on a thread of its own while the file is written
 * (`available` so far; see grow and end): a large runbook's body is hashed while the main
 * thread writes the rest of it, not on that thread.
 */
export class FileHash extends FileFollower {
  /** Started so far, in this process (tests check the path was taken). */
  static started = 0;

  constructor(from: string, start: number, available: number) {
    super(from, { available, hash: true, start });
    FileHash.started++;
  }
}

/** Gzips a complete file on another thread (see GzipFile). */
export function gzipFile(from: string, to: string): Promise<void> {
  return new GzipFile(from, to).done;
}
