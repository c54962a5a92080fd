import type { KnownValues } from './known-values.js';
import type { Span } from './rule.js';
import { MIN_WRAPPED_LENGTH, SecretScanner } from './scanner.js';

/** What replaces a masked value: names the rule; later lines of one value say `continued`. */
export function maskMarker(rule: string, continued = false): string {
  return continued ? `«masked:${rule}, continued»` : `«masked:${rule}»`;
}

/** Matches one counted marker; group 1 is the rule id. */
export const MASK_MARKER = /«masked:([a-z0-9-]+)»/g;

export interface Finding {
  rule: string;
  /** Offsets in the text given to findSecrets, end exclusive. */
  start: number;
  end: number;
  /** 1-based line number. */
  line: number;
}

function render(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    out += text.slice(at, s.start) + maskMarker(s.rule, s.continued);
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * Many lines as pushText reads them: a string is one, and so is an ASCII chunk's bytes read as
 * latin1 (ingest/clean/ascii-text.ts), which makes strings only of the lines it is asked for.
 * `toString()`: the whole text, for the search for known values (only once one is known).
 */
export interface LinesText {
  readonly length: number;
  indexOf(search: string, position?: number): number;
  lastIndexOf(search: string, position?: number): number;
  slice(start?: number, end?: number): string;
  toString(): string;
}

/** New values found in one chunk are searched for in the rest of it this often at most. */
const MAX_SEARCHES = 8;

/**
 * Starts of the lines, from `from` on, that hold a known value (in any encoding) or start with
 * the tail of one cut by a wrap at the end of the line before: the lines push() must see.
 */
function linesWithKnownValues(known: KnownValues, text: LinesText, from: number): number[] {
  const starts = new Set<number>();
  const whole = text.toString();
  for (const span of known.find(whole, from)) starts.add(text.lastIndexOf('\n', span.start) + 1);
  // SecretScanner.wrapped: a cut only after a line of 40 characters or more, at a pair of
  // characters some value holds.
  for (const start of known.cutLineStarts(whole, from, MIN_WRAPPED_LENGTH)) starts.add(start);
  return [...starts].sort((a, b) => a - b);
}

interface Pending {
  text: string;
  spans: Span[];
}

/**
 * Masks a stream of lines. Each line is emitted once the next one has been seen, so a value cut
 * by a hard wrap is masked on both lines; call end() after the last line.
 */
export class SecretMasker {
  readonly counts = new Map<string, number>();
  private readonly scanner = new SecretScanner();
  private pending: Pending | undefined;

  constructor(knownValues: Iterable<string> = []) {
    for (const value of knownValues) this.scanner.known.add(value, 'known-value');
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  push(line: string, emit: (text: string) => void): void {
    const spans = this.scanner.scan(line);
    const previous = this.pending;
    if (previous) {
      const wrap = this.scanner.wrapped(previous.text, previous.spans, line, spans);
      if (wrap.previous) previous.spans.push(wrap.previous);
      if (wrap.next) spans.unshift(wrap.next);
      this.release(previous, emit);
    }
    this.pending = { text: line, spans };
  }

  /**
   * Masks many lines at once (`text`: lines each ending in `\n`, the last one too), as push()
   * on each would. Runs of lines that cannot hold a secret go to `emitRun` (offsets into
   * `text`) as they are, without scanning: lines not `flagged`, while nothing is open, holding
   * no known value and not ending or starting one cut by a wrap. The others go through
   * `prepare` (for what a caller does line by line) and push(). `flagged`: starts of the lines
   * lineFilter() flags (more may be given), in order.
   */
  pushText(
    text: LinesText,
    flagged: readonly number[],
    emit: (line: string) => void,
    emitRun: (from: number, to: number) => void,
    prepare: (line: string) => string = (line) => line,
  ): void {
    const known = this.scanner.known;
    let knownFor = 0;
    let holding: number[] = [];
    let searches = 0;
    let at = 0;
    let f = 0;
    let k = 0;
    while (at < text.length) {
      let stop = at;
      if (this.scanner.idle && searches <= MAX_SEARCHES) {
        if (known.size !== knownFor) {
          // New values: look for them in the rest of the chunk (a few times at most).
          knownFor = known.size;
          holding = ++searches <= MAX_SEARCHES ? linesWithKnownValues(known, text, at) : [at];
          k = 0;
        }
        while (f < flagged.length && (flagged[f] as number) < at) f++;
        while (k < holding.length && (holding[k] as number) < at) k++;
        stop = Math.min(flagged[f] ?? text.length, holding[k] ?? text.length);
      }
      if (stop > at && this.wrapFree(text, at)) {
        this.passThrough(text, at, stop, emit, emitRun);
        at = stop;
        continue;
      }
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      this.push(prepare(text.slice(at, end)), emit);
      at = end + 1;
    }
  }

  /** Whether the pending line and the line at `at` hold no known value cut between them. */
  private wrapFree(text: LinesText, at: number): boolean {
    const pending = this.pending;
    if (!pending || this.scanner.known.size === 0) return true;
    const first = text.slice(at, text.indexOf('\n', at));
    const wrap = this.scanner.wrapped(pending.text, pending.spans, first, []);
    return !wrap.previous && !wrap.next;
  }

  /**
   * Lines [from, to) of `text`, none of which push() would find or change anything in (see
   * pushText), written as they are. The last one stays pending, as push() leaves it, for the
   * wrap check against the next line.
   */
  private passThrough(
    text: LinesText,
    from: number,
    to: number,
    emit: (line: string) => void,
    emitRun: (from: number, to: number) => void,
  ): void {
    const last = to >= 2 ? text.lastIndexOf('\n', to - 2) + 1 : 0;
    if (this.pending) this.release(this.pending, emit);
    this.pending = undefined;
    if (last > from) emitRun(from, last);
    this.pending = { text: text.slice(last, to - 1), spans: [] };
  }

  end(emit: (text: string) => void): void {
    if (this.pending) this.release(this.pending, emit);
    this.pending = undefined;
  }

  private release(line: Pending, emit: (text: string) => void): void {
    for (const s of line.spans)
      if (!s.continued) this.counts.set(s.rule, (this.counts.get(s.rule) ?? 0) + 1);
    emit(render(line.text, line.spans));
  }
}

/** Every secret in a text (a file, a transcript), with its rule and line. */
export function findSecrets(
  text: string,
  options: { knownValues?: Iterable<string> } = {},
): Finding[] {
  const scanner = new SecretScanner();
  for (const value of options.knownValues ?? []) scanner.known.add(value, 'known-value');
  const lines = text.split('\n');
  const perLine: Span[][] = [];
  lines.forEach((line, i) => {
    const spans = scanner.scan(line);
    const previous = perLine[i - 1];
    if (previous) {
      const wrap = scanner.wrapped(lines[i - 1] ?? '', previous, line, spans);
      if (wrap.previous) previous.push(wrap.previous);
      if (wrap.next) spans.unshift(wrap.next);
    }
    perLine.push(spans);
  });
  const findings: Finding[] = [];
  let offset = 0;
  lines.forEach((line, i) => {
    for (const s of [...(perLine[i] ?? [])].sort((a, b) => a.start - b.start))
      findings.push({ rule: s.rule, start: offset + s.start, end: offset + s.end, line: i + 1 });
    offset += line.length + 1;
  });
  return findings;
}

/** The text with every secret replaced by its marker, and how many values each rule masked. */
export function maskSecrets(
  text: string,
  knownValues: Iterable<string> = [],
): { text: string; counts: Record<string, number> } {
  const masker = new SecretMasker(knownValues);
  const out: string[] = [];
  const emit = (line: string) => out.push(line);
  for (const line of text.split('\n')) masker.push(line, emit);
  masker.end(emit);
  return { text: out.join('\n'), counts: Object.fromEntries(masker.counts) };
}
