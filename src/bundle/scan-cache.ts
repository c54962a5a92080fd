import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../util/atomic.js';
import { rulesFingerprint } from './credentials.js';
import type { ContentProblem, ManifestObject } from './manifests.js';

/**
 * Bump when a verdict's form or the parsing around the rules changes. A change to any rule
 * changes the file's name by itself: it holds the rules' fingerprint (credentials.ts).
 */
const SCANNER_VERSION = 7;

export interface CachedScan {
  problems: ContentProblem[];
  images: string[];
  isKubernetes: boolean;
  objects: ManifestObject[];
}

/**
 * Scan verdicts keyed by git blob id and path: a blob's content never changes, so parsing the
 * same manifest again on the next bundle is wasted work. Kept in .git/, never committed. A
 * verdict only saves work: FileScanner rescans any file a credential rule could match
 * (mayHoldCredential), so an edited or stale cache cannot ship a credential.
 */
export class ScanCache {
  private readonly entries: Map<string, CachedScan>;
  private dirty = false;

  private constructor(
    private readonly path: string,
    entries: Map<string, CachedScan>,
  ) {
    this.entries = entries;
  }

  static load(gitDir: string): ScanCache {
    const name = `scan-cache-v${SCANNER_VERSION}-${rulesFingerprint()}.json`;
    const path = join(gitDir, 'airgap', name);
    removeOthers(join(gitDir, 'airgap'), name);
    let entries = new Map<string, CachedScan>();
    try {
      if (existsSync(path)) entries = fromStored(JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      // A damaged cache is only a slower bundle.
    }
    return new ScanCache(path, entries);
  }

  static key(objectId: string, path: string): string {
    return `${objectId} ${path}`;
  }

  get(key: string): CachedScan | undefined {
    return this.entries.get(key);
  }

  set(key: string, scan: CachedScan): void {
    this.entries.set(key, scan);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    // A cache lost in a crash is only a slower bundle: no fsync (one per bundle otherwise).
    await writeFileAtomically(this.path, JSON.stringify(toStored(this.entries)), { fsync: false });
  }
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
 * On disk: each distinct verdict once, and the keys with the index of theirs. An object with
 * 50,000 keys made JSON.parse build a dictionary and Object.entries copy it: twice the time.
 */
interface StoredCache {
  verdicts: StoredVerdict[];
  /** key, index into verdicts, key, index, … */
  keys: Array<string | number>;
  /** The strings `o` points into. */
  strings?: string[];
}

/**
 * A verdict whose objects hold only kind, apiVersion, name and namespace stores them as `o`:
 * four indexes into `strings` per object (-1: no namespace). 240,000 generated ConfigMaps made
 * a 19 MB cache as objects and 6 MB so; reading and parsing it took half the CPU.
 */
type StoredVerdict = CachedScan | (Omit<CachedScan, 'objects'> & { o: number[] });

function fromStored(data: unknown): Map<string, CachedScan> {
  const entries = new Map<string, CachedScan>();
  if (!data || typeof data !== 'object') return entries;
  const { verdicts, keys } = data as Partial<StoredCache>;
  if (!Array.isArray(verdicts) || !Array.isArray(keys)) {
    // Written by an airgap before the table format: one object keyed by blob and path.
    return new Map(Object.entries(data as Record<string, CachedScan>));
  }
  const strings = Array.isArray((data as StoredCache).strings) ? (data as StoredCache).strings : [];
  const unpacked = verdicts.map((verdict) => unpack(verdict, strings as string[]));
  for (let i = 0; i + 1 < keys.length; i += 2) {
    const verdict = unpacked[keys[i + 1] as number];
    if (typeof keys[i] === 'string' && verdict) entries.set(keys[i] as string, verdict);
  }
  return entries;
}

function unpack(stored: StoredVerdict, strings: readonly string[]): CachedScan | undefined {
  if (!stored || !('o' in stored)) return stored;
  const { o, ...rest } = stored;
  if (!Array.isArray(o)) return undefined;
  const objects: ManifestObject[] = [];
  for (let i = 0; i + 3 < o.length; i += 4) {
    const kind = strings[o[i]!];
    const apiVersion = strings[o[i + 1]!];
    const name = strings[o[i + 2]!];
    // A damaged cache is only a slower bundle: the verdict is dropped, the file scanned again.
    if (kind === undefined || apiVersion === undefined || name === undefined) return undefined;
    const namespace = o[i + 3]! < 0 ? undefined : strings[o[i + 3]!];
    objects.push(
      namespace === undefined ? { kind, apiVersion, name } : { kind, apiVersion, name, namespace },
    );
  }
  return { ...rest, objects };
}

const PACKED_KEYS = new Set(['kind', 'apiVersion', 'name', 'namespace']);

function pack(verdict: CachedScan, index: (text: string) => number): StoredVerdict {
  const packable = verdict.objects.every(
    (object) =>
      typeof object.kind === 'string' &&
      typeof object.apiVersion === 'string' &&
      typeof object.name === 'string' &&
      (object.namespace === undefined || typeof object.namespace === 'string') &&
      Object.keys(object).every((key) => PACKED_KEYS.has(key)),
  );
  if (!packable) return verdict;
  const { objects, ...rest } = verdict;
  const o: number[] = [];
  for (const { kind, apiVersion, name, namespace } of objects)
    o.push(
      index(kind),
      index(apiVersion),
      index(name),
      namespace === undefined ? -1 : index(namespace),
    );
  return { ...rest, o };
}

/**
 * Equal verdicts (every binary's, every plain file's) are stored once. A manifest's verdict
 * names its objects, so it is seldom equal to another: it is stored as it is, not turned into
 * JSON once more to be compared (on 2,000 files of 120 documents that was most of the save).
 */
function toStored(entries: ReadonlyMap<string, CachedScan>): StoredCache {
  const stored: StoredCache = { verdicts: [], keys: [], strings: [] };
  const indexOf = new Map<string, number>();
  const stringIndex = new Map<string, number>();
  const intern = (text: string) => {
    let index = stringIndex.get(text);
    if (index === undefined) {
      index = stored.strings!.push(text) - 1;
      stringIndex.set(text, index);
    }
    return index;
  };
  for (const [key, verdict] of entries) {
    if (verdict.objects.length) {
      stored.keys.push(key, stored.verdicts.push(pack(verdict, intern)) - 1);
      continue;
    }
    const text = JSON.stringify(verdict);
    let index = indexOf.get(text);
    if (index === undefined) {
      index = stored.verdicts.push(verdict) - 1;
      indexOf.set(text, index);
    }
    stored.keys.push(key, index);
  }
  return stored;
}
