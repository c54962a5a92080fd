/**
 * simple-yaml.ts's subset, parsed to the skeleton of each document: its top-level apiVersion,
 * kind and metadata, and of a metadata mapping only its name and namespace. Every other value
 * is checked as simpleLoadAll checks it (the same lines are declined), but not built: on the
 * repetitive manifests generators write, building the documents (a mapping per `data:`, a
 * property store and a duplicate-key lookup per line) cost time and garbage, and scanManifest
 * reads nothing else of a document that is not a Secret, KafkaUser, Kustomization or
 * CustomResourceDefinition in a file that names no image (loadPlainest in manifests.ts says
 * which files take the skeletons; any other file is loaded whole).
 * test/unit/yaml-skeleton.test.ts holds it to simpleLoadAll and js-yaml.
 */
import {
  is,
  KEY_CHAR,
  KEY_START,
  MAX_KEY,
  NO,
  OUTSIDE,
  type SimpleYaml,
  scalar,
  UNSAFE_KEYS,
} from './simple-yaml.js';

/** What stands for a nested mapping no check reads: an object, as the mapping would be. */
export const NESTED: Readonly<Record<string, unknown>> = Object.freeze({});

// What a mapping is, and which of its keys the skeleton keeps.
const ROOT = 0;
const METADATA = 1;
const OTHER = 2;
const F_NONE = 0;
const F_API = 1;
const F_KIND = 2;
const F_META = 3;
const F_NAME = 4;
const F_NAMESPACE = 5;

/** Keys per mapping compared as ranges for the duplicate check; the rest go in a Set. */
const SMALL = 8;

/** Whether text[from, from + word.length) is `word`. */
function spells(text: string, from: number, word: string): boolean {
  for (let i = 0; i < word.length; i++)
    if (text.charCodeAt(from + i) !== word.charCodeAt(i)) return false;
  return true;
}

/** Whether the keys text[a, aEnd) and text[b, bEnd) are the same. */
function sameKey(text: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let i = 0; i < aEnd - a; i++)
    if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

/** Which kept field text[from, to) names in a mapping of this role (F_NONE: none). */
function field(role: number, text: string, from: number, to: number): number {
  const length = to - from;
  if (role === ROOT) {
    if (length === 10 && spells(text, from, 'apiVersion')) return F_API;
    if (length === 4 && spells(text, from, 'kind')) return F_KIND;
    if (length === 8 && spells(text, from, 'metadata')) return F_META;
  } else if (role === METADATA) {
    if (length === 4 && spells(text, from, 'name')) return F_NAME;
    if (length === 9 && spells(text, from, 'namespace')) return F_NAMESPACE;
  }
  return F_NONE;
}

/**
 * Whether text[from, to) is one of UNSAFE_KEYS (null, True, __proto__…). Only a key of 4, 5 or 9
 * characters that starts as one of them (nu, tr, fa in either case, or __) can be: the others
 * are not sliced to be looked up.
 */
function unsafe(text: string, from: number, to: number): boolean {
  const length = to - from;
  if (length !== 4 && length !== 5 && length !== 9) return false;
  const pair = ((text.charCodeAt(from) | 32) << 8) | (text.charCodeAt(from + 1) | 32);
  const mayBe =
    pair === 0x6e75 /* nu */ ||
    pair === 0x7472 /* tr */ ||
    pair === 0x6661 /* fa */ ||
    pair === 0x7f7f; /* __ (95 | 32 is 127) */
  return mayBe && UNSAFE_KEYS.has(text.slice(from, to));
}

/**
 * The skeleton of every document of `text`, or undefined where simpleLoadAll declines (and
 * only there). `lines` is simpleLoadAll's.
 */
export function skeletonLoadAll(text: string): SimpleYaml | undefined {
  if (OUTSIDE.test(text)) return undefined;
  const documents: unknown[] = [];
  const lines: number[] = [];
  let lineNumber = 0;
  // The open mappings, outermost first: indent, role and the [from, to) of each key so far
  // (for the duplicate check), in arrays reused for every document.
  const indents: number[] = [];
  const roles: number[] = [];
  // Key ranges of the mapping at depth d: ranges[d * 2 * SMALL …], counts[d] of them.
  const ranges: number[] = [];
  const counts: number[] = [];
  const sets: Array<Set<string> | undefined> = [];
  let depth = 0;
  // The `key:` line waiting for its first nested line: its mapping's depth, field and indent.
  let pendingDepth = -1;
  let pendingField = F_NONE;
  let pendingRole = ROOT;
  let pendingIndent = 0;
  // The document's kept values; undefined while absent.
  let apiVersion: unknown;
  let kind: unknown;
  let metadata: unknown;
  let meta: Record<string, unknown> | undefined;
  let content = false;
  const keep = (role: number, f: number, value: unknown) => {
    if (f === F_API) apiVersion = value;
    else if (f === F_KIND) kind = value;
    else if (f === F_META) metadata = value;
    else if (role === METADATA && meta) {
      if (f === F_NAME) meta.name = value;
      else if (f === F_NAMESPACE) meta.namespace = value;
    }
  };
  const closeDocument = (): boolean => {
    if (!content) return false;
    if (pendingDepth >= 0) keep(pendingRole, pendingField, null);
    const document: Record<string, unknown> = {};
    if (apiVersion !== undefined) document.apiVersion = apiVersion;
    if (kind !== undefined) document.kind = kind;
    if (metadata !== undefined) document.metadata = metadata;
    documents.push(document);
    apiVersion = kind = metadata = meta = undefined;
    depth = 0;
    pendingDepth = -1;
    content = false;
    return true;
  };
  const open = (indent: number, role: number) => {
    indents[depth] = indent;
    roles[depth] = role;
    counts[depth] = 0;
    sets[depth] = undefined;
    depth++;
  };
  let sawSeparator = false;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineStart = start;
    start = end + 1;
    lineNumber++;
    if (end - lineStart === 3 && spells(text, lineStart, '---')) {
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
    if (unsafe(text, at, colon)) return undefined;
    if (pendingDepth >= 0) {
      if (indent <= pendingIndent) {
        keep(pendingRole, pendingField, null);
      } else {
        // The pending key holds a mapping: metadata's is kept (name and namespace), any
        // other stands as NESTED.
        const isMeta = pendingField === F_META;
        if (isMeta) meta = {};
        keep(pendingRole, pendingField, isMeta ? meta : NESTED);
        open(indent, isMeta ? METADATA : OTHER);
      }
      pendingDepth = -1;
    }
    if (!content) {
      if (indent !== 0) return undefined;
      depth = 0;
      open(0, ROOT);
      content = true;
      lines.push(lineNumber);
    }
    while (depth > 0 && indents[depth - 1]! > indent) depth--;
    if (depth === 0 || indents[depth - 1] !== indent) return undefined;
    const role = roles[depth - 1]!;
    // js-yaml throws on a duplicated key: simpleLoadAll declines it, so does this. The first
    // SMALL keys of a mapping are compared as ranges of the text (no slice); after them, a Set.
    const d = depth - 1;
    const base = d * 2 * SMALL;
    const count = counts[d]!;
    if (count < SMALL) {
      for (let k = base; k < base + 2 * count; k += 2)
        if (sameKey(text, ranges[k]!, ranges[k + 1]!, at, colon)) return undefined;
      ranges[base + 2 * count] = at;
      ranges[base + 2 * count + 1] = colon;
      counts[d] = count + 1;
    } else {
      let seen = sets[d];
      if (!seen) {
        seen = new Set();
        for (let k = base; k < base + 2 * count; k += 2)
          seen.add(text.slice(ranges[k], ranges[k + 1]));
        sets[d] = seen;
      }
      const key = text.slice(at, colon);
      if (seen.has(key)) return undefined;
      seen.add(key);
    }
    const f = field(role, text, at, colon);
    let from = colon + 1;
    while (from < end && text.charCodeAt(from) === 32) from++;
    if (from === end) {
      pendingDepth = depth - 1;
      pendingField = f;
      pendingRole = role;
      pendingIndent = indent;
      continue;
    }
    // A value no check reads is only checked, not sliced.
    const value = scalar(text, from, end, f !== F_NONE);
    if (value === NO) return undefined;
    if (f !== F_NONE) keep(role, f, value);
  }
  if (!closeDocument()) return undefined;
  return { documents, lines };
}
