import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { HelperEchoFolder } from './helper-echo.js';
import { FileSink, readLineBatches } from './lines.js';
import { type Attempt, type ParseEvent, TranscriptParser } from './parser.js';
import { countMasks } from './redact.js';

export interface SpooledAttempt extends Attempt {
  /** Which transcript it came from, in ingest order. */
  transcript: number;
  /** The attempt's output is bytes [outputStart, outputEnd) of outputPath. */
  outputPath: string;
  outputStart: number;
  outputEnd: number;
  outputSha256: string;
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

const EMPTY_SHA256 = createHash('sha256').digest('hex');

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
): Promise<SpooledTranscript> {
  const parser = new TranscriptParser((kind, n) => commands.get(`${kind}:${n}`));
  const spool = new FileSink(join(workDir, `t${index}-attempts.txt`));
  const other = new FileSink(join(workDir, `t${index}-other.txt`));
  const attempts: SpooledAttempt[] = [];
  // The spool hashes the open attempt's bytes as it writes them.
  let open: { seq: number; start: number; masked: number } | undefined;
  let otherLines = 0;
  let otherBackticks = 0;
  let masked = 0;
  const maskedByRule: Record<string, number> = {};
  let echoLines = 0;
  // The payload lines of the helper blocks fold into one line; their other lines are left out.
  const folder = new HelperEchoFolder((text) => {
    if (echo.matches(text)) {
      echoLines++;
      return;
    }
    other.line(text);
    otherLines++;
    if (text.includes('`'))
      for (const run of text.match(/`+/g) ?? [])
        otherBackticks = Math.max(otherBackticks, run.length);
  });
  const toOther = (text: string) => folder.push(text);
  const close = (attempt: Attempt) => {
    const entry = open?.seq === attempt.seq ? open : undefined;
    const end = spool.position;
    attempts.push({
      ...attempt,
      transcript: index,
      outputPath: spool.path,
      outputStart: entry?.start ?? end,
      outputEnd: end,
      outputSha256: entry ? spool.endHash() : EMPTY_SHA256,
      masked: entry?.masked ?? 0,
    });
    open = undefined;
  };
  const handle = (event: ParseEvent) => {
    if (event.type === 'other') {
      masked += countMasks(event.text, maskedByRule);
      toOther(event.text);
      return;
    }
    const { attempt } = event;
    if (attempt.bundleId !== bundleId) {
      if (event.type === 'output') toOther(event.text);
      return;
    }
    if (event.type === 'closed') {
      close(attempt);
      return;
    }
    if (open?.seq !== attempt.seq) {
      open = { seq: attempt.seq, start: spool.position, masked: 0 };
      spool.beginHash();
    }
    const n = countMasks(event.text, maskedByRule);
    open.masked += n;
    masked += n;
    spool.line(event.text);
  };
  try {
    for await (const batch of readLineBatches(createReadStream(path, { highWaterMark: 1 << 18 }))) {
      for (const line of batch) parser.push(line, handle);
    }
    parser.finish((event) => {
      if (event.type === 'closed' && event.attempt.bundleId === bundleId) close(event.attempt);
    });
    folder.flush();
  } finally {
    spool.close();
    other.close();
  }
  return {
    index,
    name,
    attempts,
    otherPath: other.path,
    otherLines,
    otherBackticks,
    echoLines,
    lines: parser.lines,
    masked,
    maskedByRule,
  };
}
