import { isAscii } from 'node:buffer';
import { HIT, LineFilter } from '../secrets/index.js';
import { LOWERS_TO_ASCII } from '../secrets/line-filter.js';
import { sha256Hex } from '../util/hash.js';
import { manifestRules } from './credential-rules.js';
import {
  base64Runs,
  isBase64Char,
  MIN_BASE64_RUN,
  mayDecodeToText,
  rulesFingerprint,
} from './credentials.js';
import { providerRules } from './provider-findings.js';

/**
 * The scan cache's screen (scan-cache.ts): whether a file's text could hold anything bundle's
 * credential rules or a Secret check would refuse. A cached verdict is used only when it says
 * no, so an edited or stale cache can make a scan faster, never let a credential through.
 */

let screenFilter: LineFilter | undefined;

/**
 * Whether any credential rule could find something in `text`: a keyword of one of bundle's
 * rules (or `secret`, which a Secret manifest holds), or a base64 run that may decode to text.
 * False means no rule can: a cached verdict for this content is then as good as a fresh scan.
 * It may say true needlessly, never false wrongly.
 */
export function mayHoldCredential(text: string): boolean {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  return (
    screen().flagged(body).starts.length > 0 || base64Runs(text).length > 0 || isWrappedBase64(text)
  );
}

/**
 * A whole file of base64 in short lines, which the credential scan decodes as one run
 * (credentials.ts, builtinFindings) though no line is a run long enough by itself.
 */
function isWrappedBase64(text: string): boolean {
  return /^[A-Za-z0-9+/=\s]+$/.test(text) && text.replace(/\s+/g, '').length >= MIN_BASE64_RUN;
}

function screen(): LineFilter {
  screenFilter ??= new LineFilter(
    [...manifestRules, ...providerRules.map((p) => p.rule)].flatMap(
      (r) => r.filterKeywords ?? r.keywords,
    ),
    // A Secret's kind is spelled out, or hidden in a double-quoted escape (`"\x53ecret"`).
    ['secret', '\\'],
  );
  return screenFilter;
}

/**
 * The same answer for a file's bytes as they came from git, and false for binary (a NUL byte:
 * never scanned): a warm bundle screens every cached file, and joining its chunks and decoding
 * them cost more than the screen. ASCII needs neither (offsets and letters are the same in the
 * bytes); anything else is decoded and screened as text.
 */
export function mayHoldCredentialBytes(chunks: readonly Buffer[]): boolean {
  if (chunks.some((chunk) => chunk.includes(0))) return false;
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : joined(chunks);
  if (!isAscii(bytes)) return mayHoldCredential(bytes.toString('utf8'));
  const last = bytes.length ? bytes[bytes.length - 1] : 10;
  // The text form ends the last line with a \n, which flags a blank before it.
  if (last === 32 || last === 9) return true;
  return hasKeywordLine(bytes) || hasBase64Run(bytes) || isWrappedBase64Bytes(bytes);
}

/**
 * What mayHoldCredentialBytes' answer depends on besides the bytes: the rules, the source text
 * of every function on its path, the automaton it walks and the characters past ASCII that
 * LineFilter folds into it (LOWERS_TO_ASCII, a table the source text only names). A screen tag
 * (screen-tags.ts) is made under this, so a build whose screen answers differently never
 * trusts an older one's.
 */
export function screenIdentity(): string {
  const code = [
    mayHoldCredentialBytes,
    joined,
    hasKeywordLine,
    keywordIn,
    flags,
    hasBase64Run,
    isWrappedBase64Bytes,
    mayHoldCredential,
    isWrappedBase64,
    screen,
    base64Runs,
    isBase64Char,
    mayDecodeToText,
    LineFilter,
  ].map(String);
  const table = screen().table;
  const automaton = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
  const folded = JSON.stringify([...LOWERS_TO_ASCII]);
  const tables = [sha256Hex(automaton), sha256Hex(BASE64_BYTES), folded];
  return [rulesFingerprint(), MIN_BASE64_RUN, HIT, ...tables, ...code].join('\0');
}

/** Reused by joined(): at most the largest file screened (SCAN_LIMIT), kept for the process. */
let scratch = Buffer.alloc(0);

/**
 * The chunks of a file that spans pipe reads, copied end to end into one reused buffer: a fresh
 * Buffer.concat per file was new memory each time, and its page faults and copies were a tenth
 * of the main thread on a warm bundle of 2,000 files of 30 KB. Valid until the next call.
 */
function joined(chunks: readonly Buffer[]): Buffer {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  if (scratch.length < length)
    scratch = Buffer.allocUnsafeSlow(Math.max(length, 2 * scratch.length, 1 << 16));
  let at = 0;
  for (const chunk of chunks) {
    scratch.set(chunk, at);
    at += chunk.length;
  }
  return scratch.subarray(0, length);
}

/**
 * flaggedBytes' answer as a yes/no, stopping at the first flagged line. Each byte's step waits
 * for the step before it (a table load), so the bytes are walked as two halves cut at a line's
 * end, one step of each per turn: the two chains overlap. Exact, as no keyword spans a line.
 */
function hasKeywordLine(bytes: Uint8Array): boolean {
  const length = bytes.length;
  const cut = length < 512 ? -1 : bytes.indexOf(10, length >> 1);
  if (cut < 0) return keywordIn(bytes, 0, length);
  const table = screen().table;
  let a = 0;
  let b = cut + 1;
  let stateA = 0;
  let stateB = 0;
  for (; a <= cut && b < length; a++, b++) {
    stateA = table[stateA + ((bytes[a] as number) & 127)] as number;
    stateB = table[stateB + ((bytes[b] as number) & 127)] as number;
    if ((stateA | stateB) >= 0) continue;
    if (stateA < 0) {
      if (flags(bytes, a, stateA)) return true;
      stateA = 0;
    }
    if (stateB < 0) {
      if (flags(bytes, b, stateB)) return true;
      stateB = 0;
    }
  }
  return keywordIn(bytes, a, cut + 1, stateA) || keywordIn(bytes, b, length, stateB);
}

/** The automaton from `state` over bytes[from, to). */
function keywordIn(bytes: Uint8Array, from: number, to: number, state = 0): boolean {
  const table = screen().table;
  for (let i = from; i < to; i++) {
    state = table[state + ((bytes[i] as number) & 127)] as number;
    if (state >= 0) continue;
    if (flags(bytes, i, state)) return true;
    state = 0;
  }
  return false;
}

/** A keyword (HIT), or a line's end with a blank before it. */
function flags(bytes: Uint8Array, at: number, state: number): boolean {
  if (state === HIT) return true;
  const last = at > 0 ? (bytes[at - 1] as number) : 0;
  return last === 32 || last === 9;
}

/** 1 for the bytes of base64's alphabet (isBase64Char), 2 for `=` and what `\s` matches in ASCII. */
const BASE64_BYTES = new Uint8Array(256).map((_, code) =>
  isBase64Char(code) ? 1 : code === 61 || code === 32 || (code >= 9 && code <= 13) ? 2 : 0,
);

/**
 * Whether base64Runs would find a run in these ASCII bytes, without looking at most of them:
 * a run of MIN_BASE64_RUN or more holds one of every MIN_BASE64_RUN-th byte, so only those
 * are probed, and the run around a probe that is base64 is measured both ways. `from`: where
 * the bytes before are known not to end a run (the start, or just past a non-base64 byte).
 */
function hasBase64Run(bytes: Uint8Array): boolean {
  const length = bytes.length;
  let from = 0;
  for (let probe = MIN_BASE64_RUN - 1; probe < length; ) {
    if (BASE64_BYTES[bytes[probe] as number] !== 1) {
      from = probe + 1;
      probe += MIN_BASE64_RUN;
      continue;
    }
    let start = probe;
    while (start > from && BASE64_BYTES[bytes[start - 1] as number] === 1) start--;
    let end = probe + 1;
    while (end < length && BASE64_BYTES[bytes[end] as number] === 1) end++;
    if (end - start >= MIN_BASE64_RUN && mayDecodeToText(bytes, start, end)) return true;
    from = end + 1;
    probe = end + MIN_BASE64_RUN;
  }
  return false;
}

/** isWrappedBase64 over ASCII bytes; most files fail at their first `:`, `-` or `.`. */
function isWrappedBase64Bytes(bytes: Uint8Array): boolean {
  let alphabet = 0;
  for (let i = 0; i < bytes.length; i++) {
    const kind = BASE64_BYTES[bytes[i] as number];
    if (kind === 0) return false;
    if (kind === 1 || bytes[i] === 61) alphabet++;
  }
  return alphabet >= MIN_BASE64_RUN;
}

/**
 * What a Secret or a KafkaUser refusal (manifests.ts, from the parsed YAML: its kind compared
 * lower-cased) needs in the text: the kind spelled out in any case, or hidden in a
 * double-quoted escape. YAML has no other way to spell a scalar; the u flag also folds the
 * Kelvin sign to k (which toLowerCase does too) and ſ to s (which it does not: needlessly).
 */
const YAML_REFUSAL = /secret|kafkauser|\\/iu;

/**
 * For a YAML file the screen flagged: whether its cached YAML-derived verdict (objects, images,
 * Kubernetes checks) could hide a refusal. False means only the credential rules need to run
 * again over the text: a keyword such as `aced` in `Namespaced` or `auth` in
 * `rbac.authorization.k8s.io` then costs the credential pass, not a YAML parse.
 */
export function mayHoldYamlRefusal(text: string): boolean {
  return YAML_REFUSAL.test(text);
}
