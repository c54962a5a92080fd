import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../util/atomic.js';
import { rulesFingerprint } from './credentials.js';
import type { ContentProblem, ManifestObject } from './manifests.js';

/**
 * Bump when a verdict's form or the parsing around the rules changes. A change to any rule
 * changes the file's name by itself: it holds the rules' fingerprint (credentials.ts).
 */
const SCANNER_VERSION = 6;

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
  verdicts: CachedScan[];
  /** key, index into verdicts, key, index, … */
  keys: Array<string | number>;
}

function fromStored(data: unknown): Map<string, CachedScan> {
  const entries = new Map<string, CachedScan>();
  if (!data || typeof data !== 'object') return entries;
  const { verdicts, keys } = data as Partial<StoredCache>;
  if (!Array.isArray(verdicts) || !Array.isArray(keys)) {
    // Written by an airgap before the table format: one object keyed by blob and path.
    return new Map(Object.entries(data as Record<string, CachedScan>));
  }
  for (let i = 0; i + 1 < keys.length; i += 2) {
    const verdict = verdicts[keys[i + 1] as number];
    if (typeof keys[i] === 'string' && verdict) entries.set(keys[i] as string, verdict);
  }
  return entries;
}

/**
 * Equal verdicts (every binary's, every plain file's) are stored once. A manifest's verdict
 * names its objects, so it is seldom equal to another: it is stored as it is, not turned into
 * JSON once more to be compared (on 2,000 files of 120 documents that was most of the save).
 */
function toStored(entries: ReadonlyMap<string, CachedScan>): StoredCache {
  const stored: StoredCache = { verdicts: [], keys: [] };
  const indexOf = new Map<string, number>();
  for (const [key, verdict] of entries) {
    if (verdict.objects.length) {
      stored.keys.push(key, stored.verdicts.push(verdict) - 1);
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
