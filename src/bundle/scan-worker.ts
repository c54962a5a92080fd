/** Worker thread entry: scans batches of files posted by ScanWorker, replies with verdicts. */
import { parentPort } from 'node:worker_threads';
import { scanContent } from './scan-content.js';
import type { ScanRequest } from './scan-pool.js';
import { type SentVerdict, sendVerdict } from './scan-verdict.js';

parentPort?.on('message', (batch: ScanRequest[]) => {
  const verdicts: SentVerdict[] = batch.map((r) =>
    sendVerdict(r.index, scanContent(r.path, r.content)),
  );
  parentPort?.postMessage(verdicts);
});
