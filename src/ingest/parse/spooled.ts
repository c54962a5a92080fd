import type { Attempt } from './parser.js';
import type { PasteTrouble } from './paste-trouble.js';

/*
 * What spooling a transcript produces, apart from the code that produces it: the spooler
 * (spooler.ts) builds these and spool.ts drives it, so both import this file and neither
 * imports the other back (the layering test forbids file-level import cycles).
 */

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
  /** What the text outside the blocks shows went wrong with the paste (paste-trouble.ts). */
  trouble?: PasteTrouble[];
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
