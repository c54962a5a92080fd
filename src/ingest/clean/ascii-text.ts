import type { LinesText } from '../../secrets/index.js';

/** An ASCII text holds none of these; as latin1 bytes, `Ł` would be looked for as `A`. */
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * An ASCII chunk's bytes read as the text SecretMasker.pushText and the marker search take:
 * offsets in the text are offsets in the bytes, and only the lines asked for become strings
 * (flagged lines and those holding a marker, a few in a thousand). Turning each whole 2 MiB
 * chunk into one string (latin1Slice) was ~11% of a 200 MB ingest, in fresh memory each time.
 * Each method answers as String's does, for any position (test/unit/ascii-text.test.ts).
 */
export class AsciiText implements LinesText {
  private readonly bytes: Buffer;
  private whole: string | undefined;

  /** `bytes`: ASCII (each byte one character); the text is its first `length` bytes. */
  constructor(
    bytes: Buffer,
    readonly length: number,
  ) {
    this.bytes = bytes.subarray(0, length);
  }

  indexOf(search: string, position = 0): number {
    const from = Math.min(Math.max(0, Math.trunc(position) || 0), this.length);
    if (search.length === 0) return from;
    if (NON_ASCII.test(search)) return -1;
    // A Buffer reads a negative offset from its end, a string as 0: clamped above.
    return search.length === 1
      ? this.bytes.indexOf(search.charCodeAt(0), from)
      : this.bytes.indexOf(search, from, 'latin1');
  }

  lastIndexOf(search: string, position = Number.POSITIVE_INFINITY): number {
    const at = Number.isNaN(position) ? this.length : Math.trunc(position);
    const from = Math.min(Math.max(0, at), this.length);
    if (search.length === 0) return from;
    if (NON_ASCII.test(search)) return -1;
    return search.length === 1
      ? this.bytes.lastIndexOf(search.charCodeAt(0), from)
      : this.bytes.lastIndexOf(search, from, 'latin1');
  }

  slice(start = 0, end = this.length): string {
    const from = this.offset(start);
    const to = this.offset(end);
    return to > from ? this.bytes.toString('latin1', from, to) : '';
  }

  /** The whole text, made once: only the search for known values needs it. */
  toString(): string {
    this.whole ??= this.bytes.toString('latin1');
    return this.whole;
  }

  /** A slice() bound as String's: negative counts from the end, then clamped to the text. */
  private offset(at: number): number {
    const n = Math.trunc(at) || 0;
    return n < 0 ? Math.max(0, this.length + n) : Math.min(n, this.length);
  }
}
