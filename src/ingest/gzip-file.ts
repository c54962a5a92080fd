import { Worker } from 'node:worker_threads';

// The worker's code inline (CommonJS, as eval workers run): no separate script to find, so it
// runs the same from dist/, from the one-file standalone build and from TypeScript sources.
// One reused read buffer, each part written once gzip has taken the last (its write callback):
// a stream's new buffer per read was garbage the worker collected late, 50 MB more RSS.
const GZIP = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, createWriteStream, openSync, readSync } = require('node:fs');
const { pipeline } = require('node:stream/promises');
const { createGzip } = require('node:zlib');
const gzip = createGzip();
const written = pipeline(gzip, createWriteStream(workerData.to));
const fd = openSync(workerData.from, 'r');
const buffer = Buffer.allocUnsafe(1 << 20);
(async () => {
  try {
    for (let read; (read = readSync(fd, buffer, 0, buffer.length, null)) > 0; )
      await new Promise((resolve, reject) =>
        gzip.write(buffer.subarray(0, read), (e) => (e ? reject(e) : resolve())),
      );
  } finally {
    closeSync(fd);
  }
  gzip.end();
  await written;
  parentPort.postMessage('done');
})();
`;

/**
 * Writes `from` gzipped to `to` on a thread of its own. A large kept transcript is compressed
 * while the main thread spools it and writes the runbook: gzip -6 of 200 MB costs about as much
 * CPU as the rest of ingest, and done first it was all wall time. The bytes are what
 * `pipeline(createReadStream(from), createGzip(), createWriteStream(to))` writes.
 */
export function gzipFile(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(GZIP, { eval: true, workerData: { from, to } });
    let done = false;
    worker.once('message', () => {
      done = true;
    });
    // A failed pipeline rejects inside the worker: that is an uncaught error, reported here.
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (done) resolve();
      else reject(new Error(`gzip of ${from} stopped (worker exit code ${code})`));
    });
  });
}
