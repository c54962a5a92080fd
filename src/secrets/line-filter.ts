/**
 * The first stage of scanning many lines at once: which lines could hold anything for the
 * scanner (a rule's keyword, or what opens a stateful rule: a prompt, `-----BEGIN`, `data`).
 * One pass of a keyword automaton over the text, case-insensitive as the scanner's lower-cased
 * keyword test is; a line with none of these is one the scanner returns nothing for and learns
 * nothing from (when nothing is open and no value is known). It may flag a line needlessly,
 * never miss one: the combined keyword RegExp cost several times more over a whole transcript.
 */

import { cachedTable } from './table-cache.js';

/** Besides the rules' keywords: what SecretContext looks for (prompt, PEM begin, `data`). */
const CONTEXT_TRIGGERS = ['$ ', '# ', '-----begin', 'ata'];

const ALPHABET = 128;

/**
 * Characters past ASCII whose lower case starts with an ASCII letter (`İ` → `i̇`, the Kelvin
 * sign → `k`): the scanner lower-cases a line before its keyword test, so they count as that
 * letter. test/unit/line-filter.test.ts checks that no other character does.
 */
export const LOWERS_TO_ASCII: ReadonlyMap<number, number> = new Map([
  [0x130, 0x69],
  [0x212a, 0x6b],
]);

/** Table entries: a keyword or control character ends here; a `\n`. */
export const HIT = -1;
export const NEWLINE = -2;

/**
 * Aho-Corasick over lower-case ASCII, as one table: state + char → next state (states are
 * multiples of 128, so no multiplication per character), HIT on a keyword or a control
 * character, NEWLINE on `\n` (whose line the caller checks for a blank at its end).
 */
function automaton(words: readonly string[]): Int32Array {
  // Keywords holding another keyword add nothing to a yes/no test. Looked up by substring, not
  // by pairs: the rules' spelled-out keyword families run to thousands of words.
  const all = new Set(words);
  const holdsAnother = (w: string) => {
    for (let i = 0; i < w.length; i++)
      for (let j = i + 1; j <= w.length; j++)
        if (j - i < w.length && all.has(w.slice(i, j))) return true;
    return false;
  };
  const minimal = words.filter((w) => !holdsAnother(w));
  const next: number[][] = [new Array<number>(ALPHABET).fill(-1)];
  const accepts: boolean[] = [false];
  for (const word of minimal) {
    let state = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      const row = next[state] as number[];
      if ((row[c] ?? -1) < 0) {
        row[c] = next.length;
        next.push(new Array<number>(ALPHABET).fill(-1));
        accepts.push(false);
      }
      state = row[c] as number;
    }
    accepts[state] = true;
  }
  const fail = new Array<number>(next.length).fill(0);
  const queue: number[] = [];
  const root = next[0] as number[];
  for (let c = 0; c < ALPHABET; c++) {
    const s = root[c] as number;
    if (s < 0) root[c] = 0;
    else queue.push(s);
  }
  for (let q = 0; q < queue.length; q++) {
    const r = queue[q] as number;
    const row = next[r] as number[];
    const failRow = next[fail[r] as number] as number[];
    for (let c = 0; c < ALPHABET; c++) {
      const s = row[c] as number;
      if (s < 0) {
        row[c] = failRow[c] as number;
        continue;
      }
      fail[s] = failRow[c] as number;
      if (accepts[fail[s] as number]) accepts[s] = true;
      queue.push(s);
    }
  }
  const table = new Int32Array(next.length * ALPHABET);
  for (let s = 0; s < next.length; s++) {
    const row = next[s] as number[];
    for (let c = 0; c < ALPHABET; c++) {
      // Upper-case letters go where their lower case goes.
      const to = row[c >= 65 && c <= 90 ? c + 32 : c] as number;
      let entry = accepts[to] ? HIT : to * ALPHABET;
      if (c === 10) entry = NEWLINE;
      else if ((c < 32 && c !== 9) || c === 127) entry = HIT;
      table[s * ALPHABET + c] = entry;
    }
  }
  return table;
}

/**
 * Finds, in many lines at once, the lines a caller must look at one by one: those holding a
 * keyword (the scanner's, or what opens a stateful rule), a control character other than tab
 * (terminal noise left once escape sequences are gone: `\r`, `\b`), or a blank at their end.
 * The other lines hold no secret the scanner could find while nothing is open and no value is
 * known, and a terminal would show them as they are.
 */
/** Starts of the flagged lines, in order, and how many lines the text has. */
export interface Flagged {
  starts: number[];
  lines: number;
}

export class LineFilter {
  /**
   * The automaton, for loops that produce the bytes they feed it (see ingest/clean/ascii-lines.ts):
   * next = table[state + byte], from state 0; HIT or NEWLINE (then state 0 again) or a state.
   */
  readonly table: Int32Array;

  /** `triggers`: what else flags a line; bundle's screen (scan-cache.ts) needs none. */
  constructor(keywords: Iterable<string>, triggers: readonly string[] = CONTEXT_TRIGGERS) {
    // Built once per machine, not per process: see table-cache.ts.
    this.table = cachedTable([...new Set([...keywords, ...triggers])], automaton, [
      ALPHABET,
      HIT,
      NEWLINE,
    ]);
  }

  /** Whether one line holds a keyword (control characters, which flagged() flags, do not count). */
  hits(line: string): boolean {
    const table = this.table;
    let state = 0;
    for (let i = 0; i < line.length; i++) {
      let c = line.charCodeAt(i);
      if (c < 32 || c === 127) {
        state = 0;
        continue;
      }
      if (c >= ALPHABET) {
        c = LOWERS_TO_ASCII.get(c) ?? 0;
        if (c === 0) {
          state = 0;
          continue;
        }
      }
      state = table[state + c] as number;
      if (state === HIT) return true;
      if (state < 0) state = 0;
    }
    return false;
  }

  /** Start offsets of the flagged lines of `text` (lines each ending in `\n`). */
  flagged(text: string): Flagged {
    const table = this.table;
    const starts: number[] = [];
    let state = 0;
    let line = 0;
    let lines = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= ALPHABET) {
        c = LOWERS_TO_ASCII.get(c) ?? 0;
        if (c === 0) {
          state = 0;
          continue;
        }
      }
      state = table[state + c] as number;
      if (state >= 0) continue;
      if (state === NEWLINE) {
        const last = i > 0 ? text.charCodeAt(i - 1) : 0;
        if (last === 32 || last === 9) starts.push(line);
        line = i + 1;
        lines++;
        state = 0;
        continue;
      }
      starts.push(line);
      state = 0;
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
      line = end + 1;
      lines++;
    }
    return { starts, lines };
  }

  /**
   * The same over ASCII bytes (offsets are then the same in the bytes and in their text):
   * reading bytes costs less than reading characters. For ASCII only: others are folded in.
   */
  flaggedBytes(bytes: Uint8Array, length: number): Flagged {
    const table = this.table;
    const starts: number[] = [];
    let state = 0;
    let line = 0;
    let lines = 0;
    for (let i = 0; i < length; i++) {
      state = table[state + ((bytes[i] as number) & 127)] as number;
      if (state >= 0) continue;
      if (state === NEWLINE) {
        const last = i > 0 ? (bytes[i - 1] as number) : 0;
        if (last === 32 || last === 9) starts.push(line);
        line = i + 1;
        lines++;
        state = 0;
        continue;
      }
      starts.push(line);
      state = 0;
      const end = bytes.indexOf(10, i);
      if (end < 0 || end >= length) break;
      i = end;
      line = end + 1;
      lines++;
    }
    return { starts, lines };
  }
}
