import { contextPattern, MARKER_TAG, type MarkerKind, parseMarker } from '../../model/markers.js';

/** One run of one marker-delimited unit; a block pasted twice gives two attempts. */
export interface Attempt {
  bundleId: string;
  n: number;
  kind: MarkerKind;
  /** Index of this attempt among all attempts of the transcript(s), in order. */
  seq: number;
  beginEpoch: number;
  endEpoch?: number;
  rc?: number;
  skipped?: boolean;
  /** False when the paste was cut off before the end marker. */
  complete: boolean;
  utc?: string;
  host?: string;
  commandEcho?: string;
  lineCount: number;
  /** The paste session's nonce from the begin marker; only an end with the same one counts. */
  nonce?: string;
  /** Marker lines inside the output that did not carry this unit's nonce (printed by the step). */
  foreignMarkers: number;
  /** Longest run of backticks in the output, to pick a fence output cannot close. */
  longestBackticks: number;
}

/**
 * A copy that does not share memory with the line it came from. V8 keeps substrings as views
 * of their parent, so keeping a host name would keep a whole 1 MB read chunk alive.
 */
function detach(text: string | undefined): string | undefined {
  return text === undefined ? undefined : Buffer.from(text, 'utf8').toString('utf8');
}

/**
 * The next piece of a context line that a copy cut where the fold fell on a space (tmux
 * capture-pane without -J trims that space off the row): with or without the space, the line
 * goes on with the rest of the expected command, and may end with output a rejoin glued on.
 * Undefined when the line is no piece of it.
 */
function echoPiece(rest: string, line: string): { rest: string; output?: string } | undefined {
  if (!line) return undefined;
  for (const piece of [line, ` ${line}`]) {
    if (rest.startsWith(piece)) return { rest: rest.slice(piece.length) };
    if (piece.startsWith(rest)) return { rest: '', output: piece.slice(rest.length) };
  }
  return undefined;
}

export type ParseEvent =
  | { type: 'output'; attempt: Attempt; text: string }
  | { type: 'other'; text: string }
  | { type: 'closed'; attempt: Attempt };

/**
 * A line-by-line state machine over cleaned terminal text. It never stores output: each
 * line is handed to the caller as an event, so memory does not grow with the transcript.
 */
export class TranscriptParser {
  /** `expectedCommand` gives a unit's command from the bundle record, when known. */
  constructor(
    private readonly expectedCommand?: (kind: MarkerKind, n: number) => string | undefined,
  ) {}

  private current: Attempt | undefined;
  private awaitingContext = false;
  /** What a cut context line still owes of the expected command (awaitingContext stays on). */
  private echoRest: string | undefined;
  private seq = 0;
  readonly attempts: Attempt[] = [];
  readonly bundleIds = new Set<string>();
  lines = 0;

  push(line: string, emit: (event: ParseEvent) => void): void {
    this.lines++;
    let marker = line.includes(MARKER_TAG) ? parseMarker(line) : undefined;
    // A marker the unit's own output printed (an old log, a forged line) cannot know the
    // nonce its real begin marker carries: it is output, and never ends or starts a unit.
    if (marker && this.current?.nonce !== undefined && marker.nonce !== this.current.nonce) {
      this.current.foreignMarkers++;
      marker = undefined;
    }
    if (!marker) {
      if (!this.current) {
        emit({ type: 'other', text: line });
        return;
      }
      if (this.awaitingContext && this.echoRest !== undefined) {
        const piece = echoPiece(this.echoRest, line);
        if (piece?.rest) {
          this.echoRest = piece.rest;
          return;
        }
        this.echoRest = undefined;
        this.awaitingContext = false;
        // Not a piece: the copy lost more than a space; the line is output, the echo stays cut.
        if (piece) {
          const { kind, n } = this.current;
          this.current.commandEcho = this.expectedCommand?.(kind, n) ?? this.current.commandEcho;
          if (!piece.output) return;
          line = piece.output;
        }
      } else if (this.awaitingContext) {
        this.awaitingContext = false;
        const context = contextPattern.exec(line);
        if (context) {
          this.current.utc = detach(context[1]);
          this.current.host = detach(context[2]);
          const echo = context[3] ?? '';
          const expected = this.expectedCommand?.(this.current.kind, this.current.n);
          if (expected && echo.length > expected.length && echo.startsWith(expected)) {
            // A context line exactly as wide as the terminal, joined with the first line of
            // output by the rejoin of a wrapped copy: give that line back to the output.
            this.current.commandEcho = expected;
            line = echo.slice(expected.length);
          } else {
            this.current.commandEcho = detach(echo);
            // Cut short: the next lines are the rest of the command, not output.
            if (expected && echo.length < expected.length && expected.startsWith(echo)) {
              this.echoRest = expected.slice(echo.length);
              this.awaitingContext = true;
            }
            return;
          }
        }
      }
      this.current.lineCount++;
      const ticks = line.match(/`+/g);
      if (ticks)
        for (const run of ticks)
          this.current.longestBackticks = Math.max(this.current.longestBackticks, run.length);
      emit({ type: 'output', attempt: this.current, text: line });
      return;
    }
    // Whatever stood before the marker on its line (a prompt, an echo) is kept as other output.
    const before = line.slice(0, line.indexOf(MARKER_TAG)).trim();
    if (before) emit({ type: 'other', text: before });
    if (!this.bundleIds.has(marker.bundleId)) this.bundleIds.add(detach(marker.bundleId) ?? '');
    if (marker.type === 'begin') {
      if (this.current) this.close(emit);
      this.current = {
        bundleId: detach(marker.bundleId) ?? '',
        n: marker.n,
        kind: marker.kind,
        seq: this.seq++,
        beginEpoch: marker.epoch,
        complete: false,
        lineCount: 0,
        foreignMarkers: 0,
        longestBackticks: 0,
      };
      if (marker.nonce) this.current.nonce = detach(marker.nonce) ?? '';
      this.awaitingContext = true;
      return;
    }
    const open = this.current;
    if (
      open &&
      open.n === marker.n &&
      open.kind === marker.kind &&
      open.bundleId === marker.bundleId
    ) {
      open.complete = true;
      open.endEpoch = marker.epoch;
      if (marker.skipped) open.skipped = true;
      else if (marker.rc !== undefined) open.rc = marker.rc;
      this.close(emit);
      return;
    }
    // An end without its begin (the paste started mid-block): keep the line, note nothing.
    emit({ type: 'other', text: line });
  }

  /**
   * The open attempt when its next lines are plain output (its context line is behind it):
   * until a marker line, every line is output of this attempt, so a caller may hand over a
   * run of them at once with countOutput instead of line by line.
   */
  get plainOutputOf(): Attempt | undefined {
    return this.awaitingContext ? undefined : this.current;
  }

  /** The open attempt while its context line is still awaited. */
  get awaitingContextOf(): Attempt | undefined {
    return this.awaitingContext ? this.current : undefined;
  }

  /**
   * Counts a run of output lines of plainOutputOf that the caller handled itself: no marker
   * among them, `longestBackticks` the longest run of backticks in them.
   */
  countOutput(lines: number, longestBackticks: number): void {
    const current = this.plainOutputOf;
    if (!current) throw new Error('countOutput without an attempt taking plain output');
    this.lines += lines;
    current.lineCount += lines;
    current.longestBackticks = Math.max(current.longestBackticks, longestBackticks);
  }

  private close(emit: (event: ParseEvent) => void): void {
    if (!this.current) return;
    this.attempts.push(this.current);
    emit({ type: 'closed', attempt: this.current });
    this.current = undefined;
    this.awaitingContext = false;
    this.echoRest = undefined;
  }

  finish(emit: (event: ParseEvent) => void): void {
    this.close(emit);
  }
}
