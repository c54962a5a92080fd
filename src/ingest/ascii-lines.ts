import { type Flagged, HIT, lineFilter, NEWLINE } from '../secrets/index.js';

const ESC = 0x1b;
const CR = 13;
const LF = 10;

/**
 * The common chunk in one loop over its bytes, written to `out` (as long at least): ASCII lines (each ending in `\n`,
 * the last one too) whose only escape
 * sequences are complete CSI ones (colours, bracketed paste). Makes `\r\n` `\n` and removes the
 * sequences, as removeEscapes does (a global replace matches left to right and goes on after
 * each match, as this loop does; CSI's classes are disjoint, so a match never backtracks), and
 * feeds what it keeps to the line filter's automaton, as LineFilter.flaggedBytes would.
 * Returns the new length and the flagged lines, or undefined for any other escape (OSC, a
 * lone ESC, a cut sequence): the regex path then takes the chunk.
 */
export function cleanAsciiLines(
  bytes: Uint8Array,
  out: Uint8Array,
): (Flagged & { length: number }) | undefined {
  const length = bytes.length;
  if (!csiOnly(bytes, length)) return undefined;
  const table = lineFilter().table;
  const starts: number[] = [];
  let state = 0;
  let line = 0;
  let lines = 0;
  let flaggedAt = -1;
  let w = 0;
  for (let i = 0; i < length; i++) {
    let c = bytes[i] as number;
    if (c === ESC) {
      // csiOnly checked that a complete CSI sequence starts here.
      i += 2;
      while ((bytes[i] as number) >= 0x30 && (bytes[i] as number) <= 0x3f) i++;
      while ((bytes[i] as number) >= 0x20 && (bytes[i] as number) <= 0x2f) i++;
      continue;
    }
    if (c === CR && bytes[i + 1] === LF && i + 1 < length) c = bytes[++i] as number;
    out[w] = c;
    state = table[state + (c & 127)] as number;
    if (state < 0) {
      if (state === NEWLINE) {
        const last = w > 0 ? (out[w - 1] as number) : 0;
        if ((last === 32 || last === 9) && flaggedAt !== line) starts.push(line);
        line = w + 1;
        lines++;
      } else if (state === HIT && flaggedAt !== line) {
        starts.push(line);
        flaggedAt = line;
      }
      state = 0;
    }
    w++;
  }
  return { starts, lines, length: w };
}

/** Whether every ESC starts a complete CSI sequence. */
function csiOnly(bytes: Uint8Array, length: number): boolean {
  for (let i = bytes.indexOf(ESC); i >= 0 && i < length; i = bytes.indexOf(ESC, i + 1)) {
    let j = i + 1;
    if (bytes[j] !== 0x5b) return false;
    j++;
    while (j < length && (bytes[j] as number) >= 0x30 && (bytes[j] as number) <= 0x3f) j++;
    while (j < length && (bytes[j] as number) >= 0x20 && (bytes[j] as number) <= 0x2f) j++;
    if (j >= length || (bytes[j] as number) < 0x40 || (bytes[j] as number) > 0x7e) return false;
  }
  return true;
}
