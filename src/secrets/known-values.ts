/**
 * Values already found, remembered in every encoding a later line may show them in (as CI log
 * maskers do): as found, base64-decoded when they decode to text, base64-encoded (with and
 * without the newline `echo` adds) and URL-encoded.
 */
import type { Span } from './rule.js';

/** Shorter values would mask ordinary words (a decoded username such as `kafka`). */
export const MIN_KNOWN_LENGTH = 8;
/** Longer values (a whole key block, a hostile line) are masked where found, not looked for. */
const MAX_KNOWN_LENGTH = 4096;
/** Values cut by a wrap are looked for up to this length (each cut point is indexed). */
const MAX_SPLIT_LENGTH = 256;
/** Past this many, new values are still masked where found but no longer searched for. */
const MAX_KNOWN_VALUES = 4096;

function decodedBase64(value: string): string | undefined {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  // Binary (a .p12, a DER key) or a stray word that happens to be base64: not text to look for.
  return /^[\x20-\x7e\t\n\r]+$/.test(text) ? text.trim() : undefined;
}

function encodings(value: string): string[] {
  const forms = [value, Buffer.from(value).toString('base64')];
  forms.push(Buffer.from(`${value}\n`).toString('base64'));
  const decoded = decodedBase64(value);
  if (decoded) forms.push(decoded);
  try {
    forms.push(encodeURIComponent(value));
  } catch {
    // a lone surrogate cannot be URL-encoded; the other forms stand
  }
  return forms;
}

/** Four characters as one number (low bytes; a clash only costs a startsWith). */
function gram(text: string, at: number): number {
  return (
    (text.charCodeAt(at) & 0xff) |
    ((text.charCodeAt(at + 1) & 0xff) << 8) |
    ((text.charCodeAt(at + 2) & 0xff) << 16) |
    ((text.charCodeAt(at + 3) & 0xff) << 24)
  );
}

/** The tables of an engine that holds no value yet: every lookup stops at `rules.size`. */
const EMPTY = new Uint8Array(0);

const pair = (a: number, b: number) => ((a & 0xff) << 8) | (b & 0xff);

/**
 * Known values are looked up by four-character grams read at every fourth position of a line:
 * an occurrence of a value (eight characters or more) starting at s covers the gram at the first
 * multiple of four from s, so each value is indexed by its grams at offsets 0 to 3. One pass
 * over a quarter of the line's positions, whatever the number of values, where a regular
 * expression of alternatives would try each value at every position.
 */
export class KnownValues {
  private readonly rules = new Map<string, string>();
  private readonly byGram = new Map<number, Array<{ value: string; offset: number }>>();
  /**
   * One byte per 16 bits of gram: most grams are rejected here, without a Map lookup. This and
   * `cuts` are made by the first add(): most engines (a runbook masks each step's command with
   * its own) never hold a value, and 1,000 of them spent ~0.25-0.9 s CPU zeroing 128 KiB each.
   */
  private bloom = EMPTY;
  /** Tails of every value, by their first (up to) four characters, for values cut by a wrap. */
  private readonly byTail = new Map<string, Array<{ value: string; cut: number }>>();
  /** The two characters at each cut of those values (low bytes): where a wrap may split one. */
  private cuts = EMPTY;

  get size(): number {
    return this.rules.size;
  }

  add(value: string, rule: string): void {
    if (value.length > MAX_KNOWN_LENGTH) return;
    if (this.bloom === EMPTY) {
      this.bloom = new Uint8Array(1 << 16);
      this.cuts = new Uint8Array(1 << 16);
    }
    for (const form of encodings(value)) {
      if (form.length < MIN_KNOWN_LENGTH || /^\d+$/.test(form) || this.rules.has(form)) continue;
      if (this.rules.size >= MAX_KNOWN_VALUES) return;
      this.rules.set(form, rule);
      for (let offset = 0; offset < 4; offset++) {
        const key = gram(form, offset);
        this.bloom[(key ^ (key >>> 16)) & 0xffff] = 1;
        const list = this.byGram.get(key) ?? [];
        list.push({ value: form, offset });
        this.byGram.set(key, list);
      }
      if (form.length > MAX_SPLIT_LENGTH) continue;
      for (let cut = 1; cut < form.length; cut++) {
        this.cuts[pair(form.charCodeAt(cut - 1), form.charCodeAt(cut))] = 1;
        const key = form.slice(cut, cut + 4);
        const tails = this.byTail.get(key) ?? [];
        tails.push({ value: form, cut });
        this.byTail.set(key, tails);
      }
    }
  }

  /**
   * Every occurrence of a known value in the line, or in `text` from `from` on (offsets into
   * `text`; overlaps are resolved by the scanner).
   */
  find(text: string, from = 0): Span[] {
    if (this.rules.size === 0 || text.length - from < MIN_KNOWN_LENGTH) return [];
    const spans: Span[] = [];
    const bloom = this.bloom;
    for (let at = from; at + 4 <= text.length; at += 4) {
      const key = gram(text, at);
      if (bloom[(key ^ (key >>> 16)) & 0xffff] !== 1) continue;
      for (const { value, offset } of this.byGram.get(key) ?? []) {
        const start = at - offset;
        if (start >= from && text.startsWith(value, start))
          spans.push({
            start,
            end: start + value.length,
            rule: this.rules.get(value) ?? 'known-value',
          });
      }
    }
    return spans;
  }

  /**
   * Whether a value may be cut in two between these characters (the last of one line and the
   * first of the next): when not, splitAcross finds nothing there.
   */
  mayBeCutBetween(last: number, first: number): boolean {
    return this.cuts[pair(last, first)] === 1;
  }

  /**
   * Offsets of the line starts in `text`, from `from` on, after a line of `minLength`
   * characters or more, where a value may go on from that line (see mayBeCutBetween).
   */
  cutLineStarts(text: string, from: number, minLength: number): number[] {
    const starts: number[] = [];
    if (this.byTail.size === 0) return starts;
    const cuts = this.cuts;
    let start = from;
    for (let end = text.indexOf('\n', from); end >= 0; end = text.indexOf('\n', start)) {
      const next = end + 1;
      if (
        end - start >= minLength &&
        next < text.length &&
        cuts[pair(text.charCodeAt(end - 1), text.charCodeAt(next))] === 1
      )
        starts.push(next);
      start = next;
    }
    return starts;
  }

  /**
   * A known value cut in two by a hard wrap: its head ends `previous` and its tail starts `next`.
   * Returns the length of the head and of the tail, and the rule.
   */
  splitAcross(
    previous: string,
    next: string,
  ): { head: number; tail: number; rule: string } | undefined {
    if (this.rules.size === 0 || previous === '' || next === '') return undefined;
    for (let n = Math.min(4, next.length); n >= 1; n--) {
      for (const { value, cut } of this.byTail.get(next.slice(0, n)) ?? []) {
        const tail = value.slice(cut);
        if (tail.length !== n && tail.length < 4) continue;
        if (next.startsWith(tail) && previous.endsWith(value.slice(0, cut)))
          return { head: cut, tail: tail.length, rule: this.rules.get(value) ?? 'known-value' };
      }
    }
    return undefined;
  }
}
