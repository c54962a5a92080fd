/**
 * What a rerun stamp (rerun.ts) says of a record's bytes, for the full plan to read a record
 * it vouches for without the schema. A leaf: rerun.ts, rerun-stamp.ts and plan.ts import it.
 */
import type { BundleRecord } from '../../model/record.js';
import { sha256HexLazily } from '../../util/lazy-hash.js';

/**
 * What a stamp of this very build says of a record's bytes: they went through parseRecord to
 * what JSON.parse makes of them (writeRerunStamp checks that before it writes one). Neither
 * the commit nor the tree matter to that: the schema is this build's, the bytes are the same.
 */
export interface RecordVouch {
  /** The record's bytes, up to rerun-stamp.ts's RECORD_KEPT; else their sha256. */
  record?: string | undefined;
  recordSha256?: string | undefined;
}

/** Whether `json` is the record `vouch` names: then JSON.parse gives what parseRecord would. */
export function recordVouched(vouch: RecordVouch | undefined, json: string): boolean {
  if (!vouch) return false;
  return vouch.record !== undefined
    ? json === vouch.record
    : recordSha256(json) === vouch.recordSha256;
}

/**
 * A record whose bytes a stamp vouches for (recordVouched), parsed as JSON.parse would, its
 * files (50,000 objects of a 9 MB record) parsed only when first read: a warm bundle that
 * rebuilds its bundle directory reads the record's id, commit and the like, never its files.
 * The files' text is cut out where stableJson writes it (`"files": [` at depth one, its items
 * at depth two); the vouch says the bytes passed the schema, so the files hold only scalars and
 * the first `]` outside strings closes the list, which ends in a line of two spaces and `]`.
 * Written any other way (the list closed elsewhere, the key deeper than depth one, the key
 * repeated after it): parsed whole.
 */
export function parseVouchedRecord(json: string): BundleRecord {
  const key = '\n  "files": [\n';
  const start = json.indexOf(key);
  const end = start < 0 ? -1 : listEnd(json, start + key.length);
  if (end < 0 || !json.startsWith('\n  ]', end) || depthAt(json, start) !== 1)
    return JSON.parse(json) as BundleRecord;
  const list = json.slice(start + key.length - 2, end + 4);
  // null, which no files that passed the schema can be: a hand edit that repeats the key after
  // this list (JSON.parse keeps the last) leaves something else there, and is parsed whole.
  const record = JSON.parse(
    `${json.slice(0, start)}\n  "files": null${json.slice(end + 4)}`,
  ) as BundleRecord;
  if (record.files !== null) return JSON.parse(json) as BundleRecord;
  let files: BundleRecord['files'] | undefined;
  // In the place JSON.parse gives the key, so the record's keys keep their order.
  Object.defineProperty(record, 'files', {
    enumerable: true,
    configurable: true,
    get: () => {
      files ??= JSON.parse(list) as BundleRecord['files'];
      return files;
    },
    set: (value: BundleRecord['files']) => {
      files = value;
    },
  });
  return record;
}

/**
 * Where the line of two spaces and `]` closing the files list from `from` starts. Not merely
 * the first such line: a layout that closes the list on its last item's line would have that
 * be a later list's, and the keys between cut out. When no `[` comes before that line (none in
 * the files' names: the vouch says they hold only scalars), no later list opened there; else
 * the first `]` outside strings closes the list.
 */
function listEnd(json: string, from: number): number {
  const line = json.indexOf('\n  ]', from);
  if (line >= 0 && json.indexOf('[', from) > line) return line;
  return closingBracket(json, from) - 3;
}

/**
 * Where the first ] outside strings at or after `from` is (-1: none). The vouch says the files
 * hold only scalars, so it closes their list. By indexOf from quote to quote, ~8 ms for 50,000
 * files (a char loop would cost what the lazy parse saves).
 */
function closingBracket(json: string, from: number): number {
  let bracket = json.indexOf(']', from);
  let at = from;
  for (;;) {
    const quote = json.indexOf('"', at);
    if (bracket < 0 || quote < 0 || bracket < quote) return bracket;
    // A string: to the first quote after it not escaped (an even run of backslashes before it).
    const end = stringEnd(json, quote);
    if (end < 0) return -1;
    at = end + 1;
    // A ] inside that string: look for the next one (rare: only names with ] have one).
    if (bracket < at) bracket = json.indexOf(']', at);
  }
}

/** The quote closing the string opened at `quote`: the next one after an even run of backslashes. */
function stringEnd(json: string, quote: number): number {
  let end = json.indexOf('"', quote + 1);
  for (; end >= 0; end = json.indexOf('"', end + 1)) {
    let slashes = 0;
    while (json.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) break;
  }
  return end;
}

/** How deep in objects and lists `json` is at `at` (strings skipped; `at` outside them). */
function depthAt(json: string, at: number): number {
  let depth = 0;
  for (let i = 0; i < at; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      // A string: to its closing quote, past escaped characters.
      for (i++; i < at && json.charCodeAt(i) !== 0x22; i++) if (json.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return depth;
}

/** The last record hashed: a warm bundle hashes the same 9 MB string to read it and to stamp it. */
let lastHashed: { json: string; sha256: string } | undefined;

/** sha256 of a record's text, hashed once per text (the same string is compared in O(1)). */
export function recordSha256(json: string): string {
  if (lastHashed?.json !== json) lastHashed = { json, sha256: sha256HexLazily(json) };
  return lastHashed.sha256;
}
