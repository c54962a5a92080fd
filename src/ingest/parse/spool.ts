import { createReadStream } from 'node:fs';
import { readLineBatches } from '../read/lines.js';
import { scanTranscript } from './spool-scan.js';
import { HelperEcho, type SpooledTranscript } from './spooled.js';
import { Spooler } from './spooler.js';

export { HelperEcho, type SpooledAttempt, type SpooledTranscript } from './spooled.js';

export interface SpoolOptions {
  /** Every line through the parser one by one: the reference the chunked scan must equal. */
  lineByLine?: boolean;
  /** Bytes the chunked scan reads at a time (tests make it small to cut lines everywhere). */
  chunkBytes?: number;
}

/**
 * Second pass: splits a cleaned transcript into one spool file holding every attempt's output
 * back to back (with byte ranges) and one for the text outside every block, so the runbook can
 * be assembled in order without holding output in memory.
 */
export async function spoolTranscript(
  path: string,
  name: string,
  index: number,
  workDir: string,
  bundleId: string,
  echo: HelperEcho = new HelperEcho([]),
  commands: ReadonlyMap<string, string> = new Map(),
  options: SpoolOptions = {},
): Promise<SpooledTranscript> {
  const spooler = new Spooler(path, index, workDir, bundleId, echo, commands);
  try {
    if (options.lineByLine) {
      const source = createReadStream(path, { highWaterMark: 1 << 18 });
      for await (const batch of readLineBatches(source))
        for (const line of batch) spooler.push(line);
    } else scanTranscript(path, spooler, options.chunkBytes);
  } catch (error) {
    spooler.closeFiles();
    throw error;
  }
  return spooler.finish(name);
}
