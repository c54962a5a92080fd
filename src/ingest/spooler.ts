import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { HelperEchoFolder } from './helper-echo.js';
import { countNewlines, longestRun } from './line-regions.js';
import { FileSink } from './lines.js';
import { type Attempt, type ParseEvent, TranscriptParser } from './parser.js';
import { countMasks } from './redact.js';
import type { HelperEcho, SpooledAttempt, SpooledTranscript } from './spool.js';

const EMPTY_SHA256 = createHash('sha256').digest('hex');
const BACKTICK = 0x60;
const MASK_START = Buffer.from('«masked:');

/**
 * Where the lines of one transcript go in the second pass: each attempt's output into one
 * spool file (back to back, with byte ranges and hashes), everything else into another. Lines
 * come one at a time (push) or, for plain output of an attempt, as whole runs of bytes
 * (outputRun), which is the same as pushing them one by one.
 */
export class Spooler {
  readonly parser: TranscriptParser;
  private readonly spool: FileSink;
  private readonly other: FileSink;
  private readonly attempts: SpooledAttempt[] = [];
  // The spool hashes the open attempt's bytes as it writes them.
  private open: { seq: number; start: number; masked: number } | undefined;
  private otherLines = 0;
  private otherBackticks = 0;
  private masked = 0;
  private readonly maskedByRule: Record<string, number> = {};
  private echoLines = 0;
  private readonly folder: HelperEchoFolder;

  constructor(
    private readonly index: number,
    workDir: string,
    private readonly bundleId: string,
    echo: HelperEcho,
    commands: ReadonlyMap<string, string>,
  ) {
    this.parser = new TranscriptParser((kind, n) => commands.get(`${kind}:${n}`));
    this.spool = new FileSink(join(workDir, `t${index}-attempts.txt`));
    this.other = new FileSink(join(workDir, `t${index}-other.txt`));
    // The payload lines of the helper blocks fold into one line; their other lines are left out.
    this.folder = new HelperEchoFolder((text) => {
      if (echo.matches(text)) {
        this.echoLines++;
        return;
      }
      this.other.line(text);
      this.otherLines++;
      if (text.includes('`'))
        for (const run of text.match(/`+/g) ?? [])
          this.otherBackticks = Math.max(this.otherBackticks, run.length);
    });
  }

  push(line: string): void {
    this.parser.push(line, this.handle);
  }

  /** The attempt of this bundle whose next lines (up to a marker line) are plain output. */
  get bulkTarget(): Attempt | undefined {
    const attempt = this.parser.plainOutputOf;
    return attempt?.bundleId === this.bundleId ? attempt : undefined;
  }

  /** An attempt of this bundle waits for its context line: lines must come one by one. */
  get awaitingOwnContext(): boolean {
    return this.parser.awaitingContextOf?.bundleId === this.bundleId;
  }

  /**
   * Whole lines of valid UTF-8 without a marker, all output of `attempt` (the bulkTarget):
   * written to the spool as they are, counted as pushing them line by line would.
   */
  outputRun(attempt: Attempt, bytes: Buffer): void {
    if (!bytes.length) return;
    this.parser.countOutput(countNewlines(bytes), longestRun(bytes, BACKTICK));
    const open = this.openFor(attempt);
    if (bytes.includes(MASK_START)) {
      const n = countMasks(bytes.toString('utf8'), this.maskedByRule);
      open.masked += n;
      this.masked += n;
    }
    this.spool.writeBytes(bytes);
  }

  private openFor(attempt: Attempt): { seq: number; start: number; masked: number } {
    if (this.open?.seq !== attempt.seq) {
      this.open = { seq: attempt.seq, start: this.spool.position, masked: 0 };
      this.spool.beginHash();
    }
    return this.open;
  }

  private readonly toOther = (text: string) => this.folder.push(text);

  private readonly close = (attempt: Attempt) => {
    const entry = this.open?.seq === attempt.seq ? this.open : undefined;
    const end = this.spool.position;
    this.attempts.push({
      ...attempt,
      transcript: this.index,
      outputPath: this.spool.path,
      outputStart: entry?.start ?? end,
      outputEnd: end,
      outputSha256: entry ? this.spool.endHash() : EMPTY_SHA256,
      masked: entry?.masked ?? 0,
    });
    this.open = undefined;
  };

  private readonly handle = (event: ParseEvent) => {
    if (event.type === 'other') {
      this.masked += countMasks(event.text, this.maskedByRule);
      this.toOther(event.text);
      return;
    }
    const { attempt } = event;
    if (attempt.bundleId !== this.bundleId) {
      if (event.type === 'output') this.toOther(event.text);
      return;
    }
    if (event.type === 'closed') {
      this.close(attempt);
      return;
    }
    const open = this.openFor(attempt);
    const n = countMasks(event.text, this.maskedByRule);
    open.masked += n;
    this.masked += n;
    this.spool.line(event.text);
  };

  /** Ends the transcript: the last attempt closes, the helper echo folds, the files close. */
  finish(name: string): SpooledTranscript {
    try {
      this.parser.finish((event) => {
        if (event.type === 'closed' && event.attempt.bundleId === this.bundleId)
          this.close(event.attempt);
      });
      this.folder.flush();
    } finally {
      this.closeFiles();
    }
    return {
      index: this.index,
      name,
      attempts: this.attempts,
      otherPath: this.other.path,
      otherLines: this.otherLines,
      otherBackticks: this.otherBackticks,
      echoLines: this.echoLines,
      lines: this.parser.lines,
      masked: this.masked,
      maskedByRule: this.maskedByRule,
    };
  }

  /** Closes both files (also after a failure: the caller's error is the one to report). */
  closeFiles(): void {
    try {
      this.spool.close();
    } finally {
      this.other.close();
    }
  }
}
