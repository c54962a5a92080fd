import { MARKER_TAG, parseMarker } from '../../model/markers.js';

/**
 * Terminals in a browser (SSM Session Manager, web consoles) and `tmux capture-pane` without
 * `-J` copy a long line as several lines of exactly the terminal's width. This undoes that
 * before anything else reads the text (markers, secrets), one line at a time.
 */

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** Wide (two-column) code points: CJK, Hangul, fullwidth forms, most emoji. */
function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1faff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

const isZeroWidth = (c: number) =>
  (c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || c === 0xfe0f;

/** Columns a line takes on a terminal: tabs to the next multiple of 8, wide characters 2. */
export function displayWidth(line: string): number {
  if (!NOT_PRINTABLE_ASCII.test(line)) return line.length;
  let width = 0;
  for (const ch of line) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 9) width = (Math.floor(width / 8) + 1) * 8;
    else if (!isZeroWidth(c)) width += isWide(c) ? 2 : 1;
  }
  return width;
}

const MARKER_TEXT = MARKER_TAG;

/** A marker cut by the wrap, put back together; undefined when the two lines are not one. */
function joinMarker(head: string, next: string): string | undefined {
  if (!head.includes(MARKER_TEXT)) return undefined;
  const joined = head + next;
  if (parseMarker(joined)) return joined;
  // The copy drops a trailing space, so a cut right after one loses it.
  const spaced = `${head} ${next}`;
  if (parseMarker(spaced)) return spaced;
  return undefined;
}

/**
 * The width a transcript was hard-wrapped at, from its first lines, or undefined. Evidence:
 * a marker cut at the widest line's width (certain), or many lines of exactly the widest width
 * and none wider (a terminal's copy: natural text has a long tail instead of a wall).
 */
export function detectWrapWidth(lines: readonly string[]): number | undefined {
  let widest = 0;
  const widths = lines.map((line) => {
    const w = displayWidth(line);
    if (w > widest) widest = w;
    return w;
  });
  if (widest < 30) return undefined;
  let atWidest = 0;
  let justBelow = 0;
  let markerWidth = 0;
  for (const [i, line] of lines.entries()) {
    const w = widths[i] ?? 0;
    if (w < widest - 1) continue;
    if (line.includes(MARKER_TEXT)) {
      // A cut can leave a marker that parses (an epoch cut to 9 digits): try the join first.
      const next = lines[i + 1] ?? '';
      if (next !== '' && parseMarker(line + next)) markerWidth = Math.max(markerWidth, w);
      // Cut right after a space, the copy lost the space: the terminal was one column wider.
      else if (!parseMarker(line) && parseMarker(`${line} ${next}`))
        markerWidth = Math.max(markerWidth, w + 1);
      continue;
    }
    if (w === widest) atWidest++;
    else justBelow++;
  }
  if (markerWidth >= widest) return markerWidth;
  return atWidest >= 3 && atWidest >= 3 * justBelow ? widest : undefined;
}

/** A shell prompt with a command after it: `[ec2-user@ip-10-0-1-23 ~]$ ls`, `sh-5.2$ ls`. */
const PROMPT = /^(?:\[[^\]]{1,80}\]|[\w.@:~/-]{1,80})[$#] \S/;
/** A prompt alone (an Enter on an empty line, the end of a copy): the copy drops its space. */
const BARE_PROMPT = /^(?:\[[^\]]{1,80}\]|[\w.@:~/-]{1,80})[$#] ?$/;
/** klog's line header (`E1126 07:27:38.701610`): kubectl starts each of its log lines so. */
const KLOG = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} /;
/** A table header as kubectl prints it: upper-case column names two or more spaces apart. */
const TABLE_HEADER =
  /^(?:NAMESPACE|NAME)(?: {2,}[A-Z][A-Z0-9()%/._-]*(?: [A-Z][A-Z0-9()%/._-]*)*)* *$/;
const HEADER_TAIL = /^ *[A-Z][A-Z0-9()%/._-]*(?: {1,}[A-Z][A-Z0-9()%/._-]*)* *$/;

/**
 * The rest of kubectl's dry-run line (`<object> <verb> (server dry run)`) after a fold on one
 * of its last spaces: kubectl never prints it alone, so a row one column short (the copy
 * trimmed the space at the fold) followed by one of these is one line.
 */
const DRY_RUN_REST = /^(?:(?:[a-z-]+ )?\((?:server )?dry run\)|dry run\)|run\))$/;
const DRY_RUN_END = / \((?:server )?dry run\)$/;

/**
 * Lines a terminal never shows as the rest of a wrapped one: the next prompt, a marker the
 * helpers print from column 0, kubectl's log lines, and a blank line (nothing to continue).
 */
const startsOwnLine = (line: string) =>
  line === '' ||
  line.startsWith(MARKER_TEXT) ||
  PROMPT.test(line) ||
  BARE_PROMPT.test(line) ||
  KLOG.test(line);

/** Where the columns of a table header start. */
function columnStarts(header: string): number[] {
  const gap = /\S {2,}(?=\S)/g;
  const starts = [0];
  for (let m = gap.exec(header); m; m = gap.exec(header)) starts.push(m.index + m[0].length);
  return starts;
}

/** kubectl aligns each cell under its column name: a row has a cell starting at each one. */
const alignedWith = (line: string, starts: readonly number[]) =>
  starts.every((s) => s < line.length && line[s] !== ' ' && (s === 0 || line[s - 1] === ' '));

/**
 * How the pending piece goes on: `wrap` a piece as wide as the terminal; `marker` a marker
 * one column short; `space` a command echo one column short (the cut fell on a space the copy
 * dropped); `padded` a table header or row cut inside its padding (the spaces were dropped);
 * `dry-run` any other line one column short, joined only with the rest of a dry-run suffix.
 */
type Continuation = 'wrap' | 'marker' | 'space' | 'padded' | 'dry-run';

/** Rejoins hard-wrapped lines; passes lines through untouched when the copy was not wrapped. */
export class HardWrapJoiner {
  /** The width the copy was wrapped at, once known. */
  width: number | undefined;
  /** The width detected from the first lines (kept when later lines prove otherwise). */
  detected: number | undefined;
  /** Lines joined on their width alone (not proven by a marker): the runbook says so. */
  uncertainJoins = 0;
  private decided = false;
  private window: string[] = [];
  private windowChars = 0;
  private pending: string | undefined;
  private continuation: Continuation = 'wrap';
  /**
   * After a table header wider than the terminal, each row takes more than one line: the
   * starts of the header's columns on the first line, to know a row's first piece.
   */
  private wideTable: number[] | undefined;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly windowLines = 5000,
  ) {}

  /** Known not to be a wrapped copy: callers may hand lines on without pushing them here. */
  get passingThrough(): boolean {
    return this.decided && this.width === undefined && this.pending === undefined;
  }

  push(line: string): void {
    if (this.decided) {
      this.feed(line);
      return;
    }
    this.window.push(line);
    this.windowChars += line.length;
    if (this.window.length >= this.windowLines || this.windowChars > 1 << 22) this.decide();
  }

  finish(): void {
    if (!this.decided) this.decide();
    if (this.pending !== undefined) this.out(this.pending);
    this.pending = undefined;
  }

  /** A finished line; a table header or the end of a table is noted on the way. */
  private out(line: string): void {
    if (this.width !== undefined) {
      const width = this.width;
      if (TABLE_HEADER.test(line)) {
        const starts = columnStarts(line);
        this.wideTable =
          (starts.at(-1) ?? 0) >= width ? starts.filter((s) => s < width) : undefined;
      } else if (startsOwnLine(line)) this.wideTable = undefined;
    }
    this.emit(line);
  }

  private decide(): void {
    this.width = detectWrapWidth(this.window);
    this.detected = this.width;
    this.decided = true;
    const window = this.window;
    this.window = [];
    for (const line of window) this.feed(line);
  }

  private feed(line: string): void {
    const width = this.width;
    if (width === undefined) {
      this.emit(line);
      return;
    }
    const w = line.length >= width / 2 ? displayWidth(line) : 0;
    if (w > width) {
      // Wider than the wrap: not a wrapped copy after all from here on.
      this.width = undefined;
      this.wideTable = undefined;
      if (this.pending !== undefined) this.emit(this.pending);
      this.pending = undefined;
      this.emit(line);
      return;
    }
    let joined: string | undefined;
    if (this.pending !== undefined) {
      const head = this.pending;
      this.pending = undefined;
      joined = this.join(head, line, width);
      if (joined === undefined) this.out(head);
      else line = joined;
    }
    const next = this.continues(line, w, width, joined !== undefined);
    if (next === undefined) this.out(line);
    else {
      this.pending = line;
      this.continuation = next;
    }
  }

  /** Whether a line (its last piece `w` wide) goes on in the next one, and how. */
  private continues(
    line: string,
    w: number,
    width: number,
    joined: boolean,
  ): Continuation | undefined {
    // A row's first piece: the header showed its last column starts past the terminal.
    if (!joined && this.wideTable && alignedWith(line, this.wideTable)) return 'padded';
    if (w === width) return 'wrap';
    if (w === width - 1 && line.includes(MARKER_TEXT)) return 'marker';
    if (joined) return undefined;
    // A header cut in the padding between two columns (the spaces were dropped).
    if (w > width - 24 && TABLE_HEADER.test(line)) return 'padded';
    if (w !== width - 1) return undefined;
    return PROMPT.test(line) ? 'space' : 'dry-run';
  }

  private join(head: string, next: string, width: number): string | undefined {
    const marker = joinMarker(head, next);
    if (marker !== undefined) return marker;
    if (head.includes(MARKER_TEXT)) {
      if (parseMarker(head)) return undefined;
      // A marker over three lines (a narrow terminal): keep going.
      return this.continuation === 'marker' ? `${head} ${next}` : head + next;
    }
    if (this.continuation === 'marker' || startsOwnLine(next)) return undefined;
    if (this.continuation === 'dry-run') {
      const line = `${head} ${next}`;
      const whole = DRY_RUN_END.test(head);
      return !whole && DRY_RUN_REST.test(next) && DRY_RUN_END.test(line) ? line : undefined;
    }
    // A header goes on only with more column names; anything else starts the rows.
    if (TABLE_HEADER.test(head) && !HEADER_TAIL.test(next)) return undefined;
    if (this.continuation === 'padded') return head + ' '.repeat(width - displayWidth(head)) + next;
    this.uncertainJoins++;
    return this.continuation === 'space' ? `${head} ${next}` : head + next;
  }
}
