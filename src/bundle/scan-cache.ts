import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../util/atomic.js';
import type { ContentProblem, ManifestObject } from './manifests.js';

/** Bump when the scanning rules change, so old verdicts are not reused. */
const SCANNER_VERSION = 3;

export interface CachedScan {
  problems: ContentProblem[];
  images: string[];
  isKubernetes: boolean;
  objects: ManifestObject[];
}

/**
 * Scan verdicts keyed by git blob id and path: a blob's content never changes, so parsing the
 * same manifest again on the next bundle is wasted work. Kept in .git/, never committed.
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
    const path = join(gitDir, 'airgap', `scan-cache-v${SCANNER_VERSION}.json`);
    let entries = new Map<string, CachedScan>();
    try {
      if (existsSync(path))
        entries = new Map(
          Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, CachedScan>),
        );
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
    await writeFileAtomically(this.path, JSON.stringify(Object.fromEntries(this.entries)));
  }
}
