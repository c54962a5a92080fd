/**
 * A loader for the plainest YAML, the kind generators write by the hundred thousand documents:
 * block mappings of plain, simply quoted or small-integer scalars, `---` between documents,
 * comments on their own lines. On such text it returns exactly what js-yaml's `loadAll`
 * returns, several times faster; on anything else (sequences, flow collections, block or
 * multi-line scalars, anchors, tags, escapes, tabs, CR, non-ASCII, duplicate keys, an empty
 * document, a scalar that could resolve to another type) it returns undefined and the caller
 * asks js-yaml, so every verdict and every error message still comes from js-yaml.
 * test/unit/simple-yaml.test.ts holds it to js-yaml on generated and hostile inputs.
 */

/** Printable ASCII and newlines only: no tab, no CR, nothing js-yaml might refuse or normalise. */
export const OUTSIDE = /[^\x20-\x7e\n]/;
const KEYWORDS: Record<string, null | boolean> = {
  null: null,
  Null: null,
  NULL: null,
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
};
/** Keys js-yaml would store under another name (`True` as `true`), or specially. */
export const UNSAFE_KEYS = new Set([...Object.keys(KEYWORDS), '__proto__']);
/**
 * Keys every manifest repeats, by length: a key found here is this constant, not a new slice of
 * the text, so it is neither allocated nor hashed again (a slice is hashed and looked up in the
 * string table on every property store). None of them is in UNSAFE_KEYS.
 */
const COMMON_KEYS: string[][] = [];
for (const key of [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'namespace',
  'labels',
  'annotations',
  'data',
  'spec',
  'app',
  'k',
  'image',
  'replicas',
  'selector',
  'matchLabels',
  'template',
  'containers',
  'type',
  'port',
  'value',
]) {
  const bucket = COMMON_KEYS[key.length] ?? [];
  bucket.push(key);
  COMMON_KEYS[key.length] = bucket;
}

/**
 * text[from, to) as a key: a COMMON_KEYS constant when it is one, else a slice; undefined for
 * one of UNSAFE_KEYS. Compared code by code: startsWith was the loader's hottest line.
 */
function keyAt(text: string, from: number, to: number): string | undefined {
  const bucket = COMMON_KEYS[to - from];
  if (bucket)
    for (const key of bucket) {
      let i = 0;
      while (i < key.length && text.charCodeAt(from + i) === key.charCodeAt(i)) i++;
      if (i === key.length) return key;
    }
  const key = text.slice(from, to);
  return UNSAFE_KEYS.has(key) ? undefined : key;
}

/** Whether a value starting with `code` may be one of KEYWORDS (n, t or f in either case). */
const mayBeKeyword = (code: number) => {
  const lower = code | 32;
  return lower === 110 || lower === 116 || lower === 102;
};

/** Longest key taken: YAML caps implicit keys at 1024 characters; ours stay far below. */
export const MAX_KEY = 253;

// Character classes of ASCII codes, looked up per character: regexes per line cost twice as much.
export const KEY_START = 1;
export const KEY_CHAR = 2;
/** May start a plain scalar that can only be a string (or one of KEYWORDS). */
const PLAIN_START = 4;
/** May stand inside such a scalar with no meaning to YAML. */
const PLAIN_CHAR = 8;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const letter = /[A-Za-z]/.test(ch);
  if (letter || ch === '_') CLASS[c]! |= KEY_START;
  if (/[\w./-]/.test(ch)) CLASS[c]! |= KEY_CHAR;
  if (letter) CLASS[c]! |= PLAIN_START;
  if (/[\w ./:@+=$()-]/.test(ch)) CLASS[c]! |= PLAIN_CHAR;
}
export const is = (code: number, cls: number) => code < 128 && (CLASS[code]! & cls) !== 0;

/** Sentinel: the line's value is outside the subset. */
export const NO = Symbol('outside the subset');
/** Sentinel: `key:` with nothing after it; a nested mapping or null. */
const OPEN = Symbol('open');

/** After a closing quote or a number: only spaces, then the end or a ` #` comment. */
function endsCleanly(text: string, at: number, end: number): boolean {
  let k = at;
  while (k < end && text.charCodeAt(k) === 32) k++;
  return k === end || (k > at && text.charCodeAt(k) === 35);
}

/**
 * The scalar in text[from, end) after `key: `, or NO when js-yaml might read it differently.
 * `build` false: true for any scalar in the subset, with no slice made (yaml-skeleton.ts).
 */
export function scalar(text: string, from: number, end: number, build = true): unknown {
  const first = text.charCodeAt(from);
  if (first === 34 /* " */ || first === 39 /* ' */) {
    const close = text.indexOf(first === 34 ? '"' : "'", from + 1);
    if (close < 0 || close >= end) return NO;
    if (first === 34) {
      // Looked for inside the value only: indexOf from here ran on to the file's first
      // backslash, most often its end, for every quoted value (quadratic in the file's size).
      for (let i = from + 1; i < close; i++) if (text.charCodeAt(i) === 92) return NO;
    }
    if (!endsCleanly(text, close + 1, end)) return NO;
    return build ? text.slice(from + 1, close) : true;
  }
  if (first >= 48 && first <= 57) {
    // Small decimal integers (replicas, ports); anything else numeric-looking is js-yaml's call.
    let j = from;
    while (j < end && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    const digits = j - from;
    if (digits > 15 || (digits > 1 && first === 48) || !endsCleanly(text, j, end)) return NO;
    return build ? Number(text.slice(from, j)) : true;
  }
  if (!is(first, PLAIN_START)) return NO;
  let stop = end;
  for (let i = from + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 && text.charCodeAt(i + 1) === 35) {
      stop = i; // a comment starts
      break;
    }
    if (c === 58 && text.charCodeAt(i + 1) === 32) return NO; // `: ` would be a mapping
    if (!is(c, PLAIN_CHAR)) return NO;
  }
  while (text.charCodeAt(stop - 1) === 32) stop--;
  if (text.charCodeAt(stop - 1) === 58) return NO; // a trailing `:` too
  if (!build) return true;
  const value = text.slice(from, stop);
  // Only a word of four or five letters can be one of KEYWORDS: most values skip the lookup.
  const length = stop - from;
  return (length === 4 || length === 5) && mayBeKeyword(first) && Object.hasOwn(KEYWORDS, value)
    ? KEYWORDS[value]
    : value;
}

export interface SimpleYaml {
  documents: unknown[];
  /** The first content line of each document (1-based): what documentLines finds, for free. */
  lines: number[];
}

/** Every document of `text`, as js-yaml would load them, or undefined outside the subset. */
export function simpleLoadAll(text: string): SimpleYaml | undefined {
  if (OUTSIDE.test(text)) return undefined;
  const documents: unknown[] = [];
  const lines: number[] = [];
  let lineNumber = 0;
  // The open mappings, outermost first: their indents and objects, `depth` of them. Two arrays
  // reused for every document, and the pending key in three variables: an object per nested
  // mapping and per `key:` line was much of the garbage on files of many small documents.
  const indents: number[] = [];
  const objects: Array<Record<string, unknown>> = [];
  let depth = 0;
  /** The key whose `key:` line waits for its first nested line, in the mapping pendingIn. */
  let pendingIn: Record<string, unknown> | undefined;
  let pendingKey = '';
  let pendingIndent = 0;
  let content = false;
  const closeDocument = (): boolean => {
    if (!content) return false;
    if (pendingIn) pendingIn[pendingKey] = null;
    documents.push(objects[0]);
    depth = 0;
    pendingIn = undefined;
    content = false;
    return true;
  };
  let sawSeparator = false;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineStart = start;
    start = end + 1;
    lineNumber++;
    if (end - lineStart === 3 && text.startsWith('---', lineStart)) {
      // A separator after only comments opens the first document instead of ending one.
      if (content ? !closeDocument() : sawSeparator || documents.length > 0) return undefined;
      sawSeparator = true;
      continue;
    }
    let at = lineStart;
    while (at < end && text.charCodeAt(at) === 32) at++;
    if (at === end || text.charCodeAt(at) === 35 /* # */) continue;
    const indent = at - lineStart;
    if (!is(text.charCodeAt(at), KEY_START)) return undefined;
    let colon = at + 1;
    while (colon < end && is(text.charCodeAt(colon), KEY_CHAR)) colon++;
    if (text.charCodeAt(colon) !== 58 || colon - at > MAX_KEY) return undefined;
    if (colon + 1 < end && text.charCodeAt(colon + 1) !== 32) return undefined;
    const key = keyAt(text, at, colon);
    if (key === undefined) return undefined;
    if (pendingIn) {
      if (indent <= pendingIndent) {
        pendingIn[pendingKey] = null;
      } else {
        const child: Record<string, unknown> = {};
        pendingIn[pendingKey] = child;
        indents[depth] = indent;
        objects[depth] = child;
        depth++;
      }
      pendingIn = undefined;
    }
    if (!content) {
      if (indent !== 0) return undefined;
      indents[0] = 0;
      objects[0] = {};
      depth = 1;
      content = true;
      lines.push(lineNumber);
    }
    while (depth > 0 && indents[depth - 1]! > indent) depth--;
    if (depth === 0 || indents[depth - 1] !== indent) return undefined;
    const parent = objects[depth - 1]!;
    if (Object.hasOwn(parent, key)) return undefined; // js-yaml: duplicated mapping key
    let from = colon + 1;
    while (from < end && text.charCodeAt(from) === 32) from++;
    const value = from === end ? OPEN : scalar(text, from, end);
    if (value === NO) return undefined;
    if (value === OPEN) {
      parent[key] = null;
      pendingIn = parent;
      pendingKey = key;
      pendingIndent = indent;
    } else parent[key] = value;
  }
  if (!closeDocument()) return undefined;
  return { documents, lines };
}
