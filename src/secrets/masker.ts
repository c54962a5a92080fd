import type { Span } from './rule.js';
import { lineFilter, SecretScanner } from './scanner.js';

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
   * Masks many lines at once (`text`: lines each ending in `\n`, the last one too), as push() on each would. Runs
   * of lines the line filter does not flag go to `emitBlock` as they are, without scanning,
   * while the scanner has nothing open and knows no value; the other lines go through push().
   */
  pushText(text: string, emit: (line: string) => void, emitBlock: (lines: string) => void): void {
    const flagged = lineFilter().flagged(text);
    let at = 0;
    let next = 0;
    while (at < text.length) {
      while (next < flagged.length && (flagged[next] as number) < at) next++;
      const stop = this.scanner.quiet ? (flagged[next] ?? text.length) : at;
      if (stop > at) {
        this.passThrough(text, at, stop, emit, emitBlock);
        at = stop;
        continue;
      }
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      this.push(text.slice(at, end), emit);
      at = end + 1;
    }
  }

  /**
   * Lines [from, to) of `text`, none flagged, while the scanner is quiet: push() would find no
   * span in them and, with no value known, no value cut by a wrap. The last one stays pending,
   * as push() leaves it, for the wrap check against the next line.
   */
  private passThrough(
    text: string,
    from: number,
    to: number,
    emit: (line: string) => void,
    emitBlock: (lines: string) => void,
  ): void {
    const last = to >= 2 ? text.lastIndexOf('\n', to - 2) + 1 : 0;
    if (this.pending) this.release(this.pending, emit);
    this.pending = undefined;
    if (last > from) emitBlock(text.slice(from, last));
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
