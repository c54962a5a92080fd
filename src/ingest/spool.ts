import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readRange } from './line-regions.js';
import { readLineBatches } from './lines.js';
import type { Attempt } from './parser.js';
import { scanTranscript } from './spool-scan.js';
import { Spooler } from './spooler.js';

export interface SpooledAttempt extends Attempt {
  /** Which transcript it came from, in ingest order. */
  transcript: number;
  /**
   * The attempt's output is bytes [outputStart, outputEnd) of outputPath: the transcript
   * itself, or the spool when the output is not a run of the transcript's own bytes.
   */
  outputPath: string;
  outputStart: number;
  outputEnd: number;
  /**
   * sha256 of the output, to tell a block pasted twice from a retry: set (by digestOutputs)
   * only for units that ran more than once, the only ones it is compared for.
   */
  outputSha256?: string;
  masked: number;
}

export interface SpooledTranscript {
  index: number;
  name: string;
  attempts: SpooledAttempt[];
  otherPath: string;
  otherLines: number;
  otherBackticks: number;
  /** Lines of the helper block's echo left out of the text outside the blocks. */
  echoLines: number;
  lines: number;
  masked: number;
  /** Masked values per rule id, counted from the markers in the kept transcript. */
  maskedByRule: Record<string, number>;
  /** The paste was hard-wrapped at this width and rejoined when it was first ingested. */
  wrapWidth?: number;
}

/**
 * The echo of the helper block (block 1) as a terminal shows it when pasted: the first line
 * after the prompt, the others as they are (or after a `> ` continuation prompt). It is the
 * same for every run of the bundle and says nothing, so it stays out of the runbook.
 */
export class HelperEcho {
  private readonly lines: ReadonlySet<string>;
  constructor(blockLines: readonly string[]) {
    this.lines = new Set(blockLines.filter((l) => l.trim() !== ''));
  }
  matches(text: string): boolean {
    if (!this.lines.size || text === '') return false;
    if (this.lines.has(text)) return true;
    const prompt = /^.{0,100}?[$#>] /.exec(text);
    return prompt !== null && this.lines.has(text.slice(prompt[0].length));
  }
}

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

/** Hashes the output of every attempt of a unit that ran more than once (see outputSha256). */
export function digestOutputs(attempts: readonly SpooledAttempt[]): void {
  const runs = new Map<string, number>();
  for (const a of attempts) runs.set(`${a.kind}:${a.n}`, (runs.get(`${a.kind}:${a.n}`) ?? 0) + 1);
  for (const a of attempts)
    if ((runs.get(`${a.kind}:${a.n}`) ?? 0) > 1)
      a.outputSha256 = sha256OfRange(a.outputPath, a.outputStart, a.outputEnd);
}

function sha256OfRange(path: string, start: number, end: number): string {
  const hash = createHash('sha256');
  for (const bytes of readRange(path, start, end)) hash.update(bytes);
  return hash.digest('hex');
}
