import { isAscii } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../util/atomic.js';
import { rulesFingerprint } from './credentials.js';
import { type CachedScan, type StoredVerdict, storedJson, unpackVerdict } from './scan-verdict.js';

export type { CachedScan };

/**
 * Bump when a verdict's form or the parsing around the rules changes. A change to any rule
 * changes the file's name by itself: it holds the rules' fingerprint (credentials.ts).
 */
const SCANNER_VERSION = 9;

/**
 * Scan verdicts keyed by git blob id and path: a blob's content never changes, so parsing the
 * same manifest again on the next bundle is wasted work. Kept in .git/, never committed. A
 * verdict only saves work: FileScanner rescans any file a credential rule could match
 * (mayHoldCredential), so an edited or stale cache cannot ship a credential.
 */
export class ScanCache {
  /**
   * A verdict, or the index of its stored form in `stored`, unpacked on first get(): a warm
   * 50,000-file bundle unpacked 45,000 before its first blob was read, on the main thread,
   * which sits idle while the blobs are packed.
   */
  private readonly entries: Map<string, CachedScan | number>;
  private dirty = false;

  private constructor(
    private readonly path: string,
    entries: Map<string, CachedScan | number>,
    /**
     * Stored verdicts as read (or their line of the file, parsed only then), each unpacked
     * (null: damaged) when first asked for.
     */
    private readonly stored: Array<string | StoredVerdict | CachedScan | null> = [],
    private readonly unpacked: boolean[] = [],
  ) {
    this.entries = entries;
  }

  static load(gitDir: string): ScanCache {
    const name = `scan-cache-v${SCANNER_VERSION}-${rulesFingerprint()}.json`;
    const path = join(gitDir, 'airgap', name);
    removeOthers(join(gitDir, 'airgap'), name);
    try {
      if (existsSync(path)) {
        const text = readText(path);
        const { entries, stored } = fromLines(text) ?? fromStored(JSON.parse(text));
        return new ScanCache(path, entries, stored);
      }
    } catch {
      // A damaged cache is only a slower bundle.
    }
    return new ScanCache(path, new Map());
  }

  static key(objectId: string, path: string): string {
    return `${objectId} ${path}`;
  }

  /** How many verdicts it holds: none before a first bundle. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether it holds a verdict for the key (one that get() may still find damaged). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): CachedScan | undefined {
    const entry = this.entries.get(key);
    return typeof entry === 'number' ? this.unpack(entry) : entry;
  }

  /** A damaged verdict is undefined: the file is scanned again. */
  private unpack(index: number): CachedScan | undefined {
    if (!this.unpacked[index]) {
      this.unpacked[index] = true;
      this.stored[index] = unpackVerdict(parsedLine(this.stored[index])) ?? null;
    }
    return (this.stored[index] as CachedScan | null) ?? undefined;
  }

  set(key: string, scan: CachedScan): void {
    this.entries.set(key, scan);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    // A cache lost in a crash is only a slower bundle: no fsync (one per bundle otherwise).
    const verdicts = new Map<string, CachedScan>();
    for (const [key, entry] of this.entries) {
      const verdict = typeof entry === 'number' ? this.unpack(entry) : entry;
      if (verdict) verdicts.set(key, verdict);
    }
    await writeFileAtomically(this.path, serialise(verdicts), { fsync: false });
  }
}

/**
 * The file's text. JSON.stringify leaves only names past ASCII as they are, so the file is most
 * often ASCII, and read as latin1 it is the same string, made by a copy: readFileSync(path,
 * 'utf8') took ~8 ms more of the main thread's CPU on the repetitive repo's 3 MB cache, and
 * JSON.parse ~10 ms more on its answer.
 */
function readText(path: string): string {
  const bytes = readFileSync(path);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** Caches written under other rules are never read again: they go. */
function removeOthers(dir: string, keep: string): void {
  try {
    for (const name of readdirSync(dir))
      if (/^scan-cache-.*\.json$/.test(name) && name !== keep)
        rmSync(join(dir, name), { force: true });
  } catch {
    // No directory yet, or one that cannot be listed: nothing to tidy.
  }
}

/**
 * On disk: each distinct verdict once, in its stored form (scan-verdict.ts), and the keys with
 * the index of theirs. An object with 50,000 keys made JSON.parse build a dictionary and
 * Object.entries copy it: twice the time.
 */
interface StoredCache {
  verdicts: StoredVerdict[];
  /** key, index into verdicts, key, index, … */
  keys: Array<string | number>;
}

/**
 * The keys, each with its verdict's index into `stored`; the verdicts are unpacked when first
 * asked for (a damaged one is dropped then, its file scanned again).
 */
function fromStored(data: unknown): {
  entries: Map<string, CachedScan | number>;
  stored: StoredVerdict[];
} {
  const entries = new Map<string, CachedScan | number>();
  if (!data || typeof data !== 'object') return { entries, stored: [] };
  const { verdicts, keys } = data as Partial<StoredCache>;
  if (!Array.isArray(verdicts) || !Array.isArray(keys)) {
    // Written by an airgap before the table format: one object keyed by blob and path.
    return { entries: new Map(Object.entries(data as Record<string, CachedScan>)), stored: [] };
  }
  const indexed = keyIndexes(keys, verdicts.length);
  return indexed ? { entries: indexed, stored: verdicts } : { entries, stored: [] };
}

/**
 * Each key with its verdict's index, or undefined when the verdicts are not as many as the keys
 * name: serialise() writes each verdict a key names, in the order first named, so a verdict
 * gone or one more (a line lost, or split in two by a byte turned into a newline) has moved
 * those after it, and any key could name another file's verdict: then no verdict is used.
 */
function keyIndexes(
  keys: readonly unknown[],
  count: number,
): Map<string, CachedScan | number> | undefined {
  const entries = new Map<string, CachedScan | number>();
  let highest = -1;
  for (let i = 0; i + 1 < keys.length; i += 2) {
    const key = keys[i];
    const index = keys[i + 1];
    if (typeof index === 'number' && index > highest) highest = index;
    if (
      typeof key === 'string' &&
      Number.isInteger(index) &&
      (index as number) >= 0 &&
      (index as number) < count
    )
      entries.set(key, index as number);
  }
  return highest + 1 === count ? entries : undefined;
}

/**
 * The file as serialise() writes it, one verdict a line: the keys (the last line) parsed now,
 * each verdict's line kept to be parsed when first asked for. A warm 50,000-file bundle parsed
 * 45,000 verdicts (8 MB of JSON, 225,000 objects and arrays) before its first blob was read.
 * Undefined for any other text (a cache written on one line, a damaged one, one whose lines are
 * not as many as its keys name): JSON.parse reads it.
 */
function fromLines(
  text: string,
): { entries: Map<string, CachedScan | number>; stored: string[] } | undefined {
  if (!text.startsWith(FIRST_LINE)) return undefined;
  const last = text.lastIndexOf('\n');
  if (last < 0 || !text.startsWith(KEYS_LINE, last + 1) || !text.endsWith('}')) return undefined;
  const keys: unknown = JSON.parse(text.slice(last + 1 + KEYS_LINE.length, -1));
  if (!Array.isArray(keys)) return undefined;
  const stored: string[] = [];
  for (let at = FIRST_LINE.length; at < last; ) {
    const end = text.indexOf('\n', at);
    stored.push(text.slice(at, text.charCodeAt(end - 1) === 0x2c ? end - 1 : end));
    at = end + 1;
  }
  const entries = keyIndexes(keys, stored.length);
  return entries ? { entries, stored } : undefined;
}

/** A verdict's line parsed (a damaged line is no verdict), or the verdict as JSON.parse gave it. */
function parsedLine(stored: unknown): StoredVerdict {
  if (typeof stored !== 'string') return stored as StoredVerdict;
  try {
    return JSON.parse(stored) as StoredVerdict;
  } catch {
    return undefined as unknown as StoredVerdict;
  }
}

const FIRST_LINE = '{"verdicts":[\n';
const KEYS_LINE = '],"keys":';

/** Longer verdicts name objects, and are seldom equal: hashing each to compare cost more. */
const SHARED_TEXT = 256;

/**
 * Equal short verdicts (every binary's, every plain file's) are stored once, compared by their
 * JSON. A verdict a scan thread sent arrives as JSON (storedJson), so only the others are
 * turned into JSON here: the save is mostly joining strings.
 */
function serialise(entries: ReadonlyMap<string, CachedScan>): string {
  const texts: string[] = [];
  const keys: Array<string | number> = [];
  const indexOf = new Map<string, number>();
  for (const [key, verdict] of entries) {
    const text = storedJson(verdict);
    let index = text.length <= SHARED_TEXT ? indexOf.get(text) : undefined;
    if (index === undefined) {
      index = texts.push(text) - 1;
      if (text.length <= SHARED_TEXT) indexOf.set(text, index);
    }
    keys.push(key, index);
  }
  // JSON still, one verdict a line, the keys on the last (fromLines).
  const lines = texts.length ? `${texts.join(',\n')}\n` : '';
  return `${FIRST_LINE}${lines}${KEYS_LINE}${JSON.stringify(keys)}}`;
}
