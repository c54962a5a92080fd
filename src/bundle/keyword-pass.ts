import { LineFilter } from '../secrets/index.js';
import { LOWERS_TO_ASCII } from '../secrets/line-filter.js';
import { type Base64Run, MIN_BASE64_RUN, mayDecodeToText } from './base64-runs.js';

/** What the credential detector needs of a file's text, found in one pass over it. */
export interface TextPass {
  /**
   * Start offsets of the lines holding a keyword of any of the detector's rules (or a control
   * character, or a blank at the end): each part of the detector picks its own from these.
   */
  starts: number[];
  /** What base64Runs(text) returns. */
  runs: Base64Run[];
}

/** 1 for the characters of a base64 run (isBase64Char as a table: one load per character). */
const BASE64 = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (/[A-Za-z0-9+/]/.test(String.fromCharCode(c))) BASE64[c] = 1;

/**
 * The detector's keyword lines and base64 runs in one pass over a file, where it took three
 * (the manifest rules' LineFilter, the provider rules' LineFilter, base64Runs): each pass cost
 * about what gzip -6 costs on the same bytes, so on generated manifests the three passes were
 * the scan's largest part after the YAML. The automaton is LineFilter's, over both rule sets'
 * keywords: a line it flags is one of either filter's (or neither's: the callers keep only the
 * lines their own filter flags, so every finding is what the separate passes gave).
 */
export class KeywordPass {
  private filter: LineFilter | undefined;

  constructor(private readonly keywords: () => Iterable<string>) {}

  scan(text: string): TextPass {
    this.filter ??= new LineFilter(this.keywords(), []);
    const table = this.filter.table;
    const starts: number[] = [];
    const runs: Base64Run[] = [];
    let state = 0;
    let line = 0;
    /** The current line is flagged: only base64 runs are looked for until its end. */
    let done = false;
    let run = -1;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      let c = text.charCodeAt(i);
      if (c < 128 && BASE64[c] === 1) {
        if (run < 0) run = i;
      } else if (run >= 0) {
        if (i - run >= MIN_BASE64_RUN && mayDecodeToText(text, run, i))
          runs.push({ run: text.slice(run, i), index: run });
        run = -1;
      }
      if (c === 10) {
        // LineFilter.flagged's rule, kept so the flagged lines are a superset of its own.
        const last = i > 0 ? text.charCodeAt(i - 1) : 0;
        if (!done && (last === 32 || last === 9)) starts.push(line);
        line = i + 1;
        done = false;
        state = 0;
        continue;
      }
      if (done) continue;
      if (c >= 128) {
        c = LOWERS_TO_ASCII.get(c) ?? 0;
        if (c === 0) {
          state = 0;
          continue;
        }
      }
      state = table[state + c] as number;
      if (state >= 0) continue;
      starts.push(line);
      done = true;
      state = 0;
    }
    if (run >= 0 && length - run >= MIN_BASE64_RUN && mayDecodeToText(text, run, length))
      runs.push({ run: text.slice(run, length), index: run });
    return { starts, runs };
  }
}

/**
 * Whether LineFilter.flagged would flag this line (without its `\n`) for what it holds besides
 * keywords: a control character other than a tab, or a blank at its end.
 */
export function flaggedForNoise(line: string): boolean {
  const last = line.charCodeAt(line.length - 1);
  if (last === 32 || last === 9) return true;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) return true;
  }
  return false;
}
