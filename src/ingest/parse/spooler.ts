import { join } from 'node:path';
import { countMasks } from '../clean/redact.js';
import { countNewlines, longestRun } from '../read/line-regions.js';
import { FileSink } from '../read/lines.js';
import { HelperEchoFolder } from './helper-echo.js';
import { type Attempt, type ParseEvent, TranscriptParser } from './parser.js';
import { type PasteTrouble, pasteTroubleOf, refusedBundleOf } from './paste-trouble.js';
import type { HelperEcho, SpooledAttempt, SpooledTranscript } from './spooled.js';

const BACKTICK = 0x60;
const MASK_START = Buffer.from('«masked:');

/** Where a line pushed to the spooler is in the transcript, when its bytes are exactly it. */
export interface SourceBytes {
  /** Offset of the line's first byte. */
  start: number;
  /** Offset after its `\n`. */
  end: number;
}

/** The attempt whose output is being collected. */
interface OpenAttempt {
  seq: number;
  masked: number;
  /** So far the output is exactly these bytes of the transcript: nothing is copied. */
  direct?: { start: number; end: number } | undefined;
  /** Or it is in the spool from here on. */
  spoolStart?: number;
}

/**
 * Where the lines of one transcript go in the second pass. An attempt's output is nearly
 * always a run of the transcript's own bytes, and then the attempt points into the transcript
 * (nothing is copied); otherwise (a line not valid UTF-8, an unrelated line in the middle) its
 * output goes to a spool file. Text outside the blocks goes to a file of its own. Lines come
 * one at a time (push) or, for plain output of an attempt, as whole runs of bytes (outputRun),
 * which is the same as pushing them one by one.
 */
export class Spooler {
  readonly parser: TranscriptParser;
  private readonly spool: FileSink;
  private readonly other: FileSink;
  private readonly attempts: SpooledAttempt[] = [];
  private open: OpenAttempt | undefined;
  /** The line being pushed and where it is in the transcript (when its bytes are exact). */
  private pushed: { line: string; at: SourceBytes | undefined } | undefined;
  private otherLines = 0;
  private otherBackticks = 0;
  private masked = 0;
  private readonly maskedByRule: Record<string, number> = {};
  private echoLines = 0;
  private readonly trouble = new Set<PasteTrouble>();
  private readonly folder: HelperEchoFolder;

  constructor(
    /** The transcript: attempts point into it. */
    private readonly source: string,
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
      const trouble = pasteTroubleOf(text);
      // A refusal is this bundle's trouble only when it was this bundle's block: A's shell
      // refusing B's blocks says nothing of what A should do.
      if (trouble && (trouble !== 'foreign' || refusedBundleOf(text) === bundleId))
        this.trouble.add(trouble);
      if (text.includes('`'))
        for (const run of text.match(/`+/g) ?? [])
          this.otherBackticks = Math.max(this.otherBackticks, run.length);
    });
  }

  /** One line; `at` only when the transcript holds exactly `line` and a `\n` there. */
  push(line: string, at?: SourceBytes): void {
    this.pushed = { line, at };
    try {
      this.parser.push(line, this.handle);
    } finally {
      this.pushed = undefined;
    }
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
   * Whole lines of valid UTF-8 without a marker, all output of `attempt` (the bulkTarget),
   * found at `offset` in the transcript: counted as pushing them line by line would.
   */
  outputRun(attempt: Attempt, bytes: Buffer, offset: number): void {
    if (!bytes.length) return;
    this.parser.countOutput(countNewlines(bytes), longestRun(bytes, BACKTICK));
    const open = this.openFor(attempt);
    if (bytes.includes(MASK_START)) {
      const n = countMasks(bytes.toString('utf8'), this.maskedByRule);
      open.masked += n;
      this.masked += n;
    }
    if (this.extend(open, offset, offset + bytes.length)) return;
    this.toSpool(open);
    this.spool.writeBytes(bytes);
  }

  private openFor(attempt: Attempt): OpenAttempt {
    if (this.open?.seq !== attempt.seq) this.open = { seq: attempt.seq, masked: 0 };
    return this.open;
  }

  /** Takes bytes [start, end) of the transcript as the next output, if they follow on. */
  private extend(open: OpenAttempt, start: number, end: number): boolean {
    if (open.spoolStart !== undefined) return false;
    if (!open.direct) open.direct = { start, end };
    else if (open.direct.end === start) open.direct.end = end;
    else return false;
    return true;
  }

  /** From here on the attempt's output goes to the spool, what it had so far first. */
  private toSpool(open: OpenAttempt): void {
    if (open.spoolStart !== undefined) return;
    open.spoolStart = this.spool.position;
    if (open.direct) this.spool.copyFrom(this.source, open.direct.start, open.direct.end);
    open.direct = undefined;
  }

  /** An output line the parser emitted: the pushed line, or its end after a context line. */
  private output(open: OpenAttempt, text: string): void {
    const pushed = this.pushed;
    if (pushed?.at && (text === pushed.line || pushed.line.endsWith(text))) {
      const start = pushed.at.end - 1 - Buffer.byteLength(text);
      if (this.extend(open, start, pushed.at.end)) return;
    }
    this.toSpool(open);
    this.spool.line(text);
  }

  private readonly toOther = (text: string) => this.folder.push(text);

  private readonly close = (attempt: Attempt) => {
    const entry = this.open?.seq === attempt.seq ? this.open : undefined;
    const end = this.spool.position;
    const { path, start, stop } = entry?.direct
      ? { path: this.source, start: entry.direct.start, stop: entry.direct.end }
      : { path: this.spool.path, start: entry?.spoolStart ?? end, stop: end };
    this.attempts.push({
      ...attempt,
      transcript: this.index,
      outputPath: path,
      outputStart: start,
      outputEnd: stop,
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
    this.output(open, event.text);
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
      ...(this.trouble.size ? { trouble: [...this.trouble].sort() } : {}),
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
