/**
 * Values already found, remembered in every encoding a later line may show them in (as CI log
 * maskers do): as found, base64-decoded when they decode to text, base64-encoded (with and
 * without the newline `echo` adds) and URL-encoded.
 */
import type { Span } from './rule.js';

/** Shorter values would mask ordinary words (a decoded username such as `kafka`). */
export const MIN_KNOWN_LENGTH = 8;
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

/**
 * New values are looked for one by one until there are this many, or half as many as are
 * compiled, then all are compiled into one expression: the compilations cost O(n) in all.
 */
const UNCOMPILED_LIMIT = 32;

export class KnownValues {
  private readonly rules = new Map<string, string>();
  private pattern: RegExp | undefined;
  private fresh: string[] = [];

  get size(): number {
    return this.rules.size;
  }

  add(value: string, rule: string): void {
    for (const form of encodings(value)) {
      if (form.length < MIN_KNOWN_LENGTH || /^\d+$/.test(form) || this.rules.has(form)) continue;
      if (this.rules.size >= MAX_KNOWN_VALUES) return;
      this.rules.set(form, rule);
      this.fresh.push(form);
    }
  }

  /**
   * Every occurrence in the line of a known value, longest value first at each position.
   * Values are compiled into one expression in growing batches: recompiling for each new value
   * would cost more than the scan when a transcript holds many secrets.
   */
  find(text: string): Span[] {
    if (this.rules.size === 0) return [];
    if (this.fresh.length > Math.max(UNCOMPILED_LIMIT, (this.rules.size - this.fresh.length) / 2)) {
      const alternatives = [...this.rules.keys()]
        .sort((a, b) => b.length - a.length)
        .map((v) => v.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'));
      this.pattern = new RegExp(alternatives.join('|'), 'g');
      this.fresh = [];
    }
    const spans: Span[] = [];
    const add = (start: number, value: string) =>
      spans.push({
        start,
        end: start + value.length,
        rule: this.rules.get(value) ?? 'known-value',
      });
    if (this.pattern) {
      this.pattern.lastIndex = 0;
      for (const match of text.matchAll(this.pattern)) add(match.index, match[0]);
    }
    for (const value of this.fresh)
      for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + value.length))
        add(at, value);
    return spans;
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
    const first = next[0] ?? '';
    for (const [value, rule] of this.rules) {
      for (let k = value.indexOf(first, 1); k > 0; k = value.indexOf(first, k + 1)) {
        if (next.startsWith(value.slice(k)) && previous.endsWith(value.slice(0, k)))
          return { head: k, tail: value.length - k, rule };
      }
    }
    return undefined;
  }
}
