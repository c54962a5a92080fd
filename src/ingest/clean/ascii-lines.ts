import { type Flagged, lineFilter, NEWLINE } from '../../secrets/index.js';

const ESC = 0x1b;
const CR = 13;
const LF = 10;

/**
 * The common chunk in one loop over its bytes, written to `out` (as long at least): ASCII
 * lines (each ending in `\n`, the last one too) whose only escape sequences are complete CSI
 * ones (colours, bracketed paste). Makes `\r\n` `\n` and removes the sequences, as
 * removeEscapes does (a global replace matches left to right and goes on after each match, as
 * this loop does; CSI's classes are disjoint, so a match never backtracks), and feeds what it
 * keeps to the line filter's automaton, as LineFilter.flaggedBytes would. Returns the new
 * length and the flagged lines, or undefined for any other escape (OSC, a lone ESC, a cut
 * sequence): the regex path then takes the chunk, and `out` holds nothing of use.
 */
export function cleanAsciiLines(
  bytes: Uint8Array,
  out: Uint8Array,
): (Flagged & { length: number }) | undefined {
  const length = bytes.length;
  const table = automaton();
  const starts: number[] = [];
  let state = 0;
  let line = 0;
  let lines = 0;
  let flaggedAt = -1;
  let w = 0;
  let i = 0;
  while (i < length) {
    // The common byte: kept, and the automaton moves on. A tight loop of its own is faster.
    let c = 0;
    let next = 0;
    while (i < length) {
      c = bytes[i] as number;
      next = table[state + c] as number;
      if (next < 0) break;
      out[w++] = c;
      state = next;
      i++;
    }
    if (i >= length) break;
    i++;
    if (next === ESCAPE) {
      // A complete CSI sequence is skipped, state unchanged; any other escape (OSC, a lone
      // ESC, a cut sequence) leaves the chunk to the regex path. Checked here, in the one walk:
      // a pass of its own before it cost a native indexOf call per escape.
      if (bytes[i] !== 0x5b) return undefined;
      i++;
      while (i < length && (bytes[i] as number) >= 0x30 && (bytes[i] as number) <= 0x3f) i++;
      while (i < length && (bytes[i] as number) >= 0x20 && (bytes[i] as number) <= 0x2f) i++;
      if (i >= length || (bytes[i] as number) < 0x40 || (bytes[i] as number) > 0x7e)
        return undefined;
      i++;
      continue;
    }
    if (next === RETURN && i < length && bytes[i] === LF) continue;
    out[w] = c;
    if (next === NEWLINE) {
      const last = w > 0 ? (out[w - 1] as number) : 0;
      if ((last === 32 || last === 9) && flaggedAt !== line) starts.push(line);
      line = w + 1;
      lines++;
    } else if (flaggedAt !== line) {
      // A keyword, a control character or a lone `\r`.
      starts.push(line);
      flaggedAt = line;
    }
    state = 0;
    w++;
  }
  return { starts, lines, length: w };
}

const ESCAPE = -3;
const RETURN = -4;
let withEscapes: Int32Array | undefined;

/** The line filter's automaton with ESC and `\r` told apart from the other control characters. */
function automaton(): Int32Array {
  if (withEscapes) return withEscapes;
  const table = Int32Array.from(lineFilter().table);
  for (let state = 0; state < table.length; state += 128) {
    table[state + ESC] = ESCAPE;
    table[state + CR] = RETURN;
  }
  withEscapes = table;
  return table;
}
