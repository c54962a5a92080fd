/** Worker thread entry: scans batches of files posted by ScanWorker, replies with verdicts. */
import { parentPort } from 'node:worker_threads';
import { scanContent } from './scan-content.js';
import type { ScanRequest, ScanVerdict } from './scan-pool.js';

parentPort?.on('message', (batch: ScanRequest[]) => {
  const verdicts: ScanVerdict[] = batch.map((r) => ({
    index: r.index,
    verdict: scanContent(r.path, r.content),
  }));
  parentPort?.postMessage(verdicts);
});
