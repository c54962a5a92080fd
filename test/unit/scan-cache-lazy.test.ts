import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileScanner } from '../../src/bundle/file-scanner.js';
import { type CachedScan, ScanCache } from '../../src/bundle/scan-cache.js';
import { tempDir } from '../helpers/fixtures.js';
import { blobEntries } from '../helpers/tree-entries.js';

const manifest = (name: string): CachedScan => ({
  problems: [],
  images: [`nginx:${name}`],
  isKubernetes: true,
  objects: [{ kind: 'ConfigMap', apiVersion: 'v1', name, namespace: 'kafka' }],
});

/**
 * How many stored verdicts the cache has unpacked: read from its private table, since the unit
 * project shares one module graph per worker and a vi.mock of scan-verdict.js takes effect only
 * when no earlier file loaded it (vitest.config.ts: no vi.mock in unit tests).
 */
const unpacked = (cache: ScanCache) =>
  (cache as unknown as { unpacked: boolean[] }).unpacked.filter(Boolean).length;

describe('ScanCache, warm', () => {
  it('unpacks a stored verdict when its file is looked up, once, not when the cache loads', async () => {
    await using tmp = await tempDir();
    const dir = tmp.dir('git-');
    mkdirSync(join(dir, 'airgap'));
    const files = { 'k8s/a.yaml': 'a: 1\n', 'k8s/b.yaml': 'b: 2\n' };
    const entries = blobEntries(files);
    const cache = ScanCache.load(dir);
    for (const e of entries) cache.set(ScanCache.key(e.objectId, e.path), manifest(e.path));
    await cache.save();

    const again = ScanCache.load(dir);
    const scanner = new FileScanner(entries, again, []);
    expect(unpacked(again)).toBe(0);
    const [a] = entries;
    const key = ScanCache.key(a!.objectId, a!.path);
    expect(again.has(key)).toBe(true);
    const verdict = again.get(key);
    expect(verdict).toEqual(manifest('k8s/a.yaml'));
    expect(again.get(key)).toBe(verdict);
    expect(unpacked(again)).toBe(1);

    // The scanner asks for each file's verdict as the file is packed: the same verdicts.
    for (const [index, text] of Object.values(files).entries())
      await scanner.chunk(index, Buffer.from(text));
    await scanner.finish();
    expect(unpacked(again)).toBe(2);
    expect([...scanner.images].sort()).toEqual(['nginx:k8s/a.yaml', 'nginx:k8s/b.yaml']);
  });
});
