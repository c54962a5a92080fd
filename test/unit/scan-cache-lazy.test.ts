import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FileScanner } from '../../src/bundle/file-scanner.js';
import { type CachedScan, ScanCache } from '../../src/bundle/scan-cache.js';
import { unpackVerdict } from '../../src/bundle/scan-verdict.js';
import { tempDir } from '../helpers/fixtures.js';
import { blobEntries } from '../helpers/tree-entries.js';

// Counted: the cache must unpack a stored verdict when its file is packed, not at load.
vi.mock('../../src/bundle/scan-verdict.js', async (original) => {
  const actual = await original<typeof import('../../src/bundle/scan-verdict.js')>();
  return { ...actual, unpackVerdict: vi.fn(actual.unpackVerdict) };
});

const manifest = (name: string): CachedScan => ({
  problems: [],
  images: [`nginx:${name}`],
  isKubernetes: true,
  objects: [{ kind: 'ConfigMap', apiVersion: 'v1', name, namespace: 'kafka' }],
});

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
    const unpack = vi.mocked(unpackVerdict);
    unpack.mockClear();

    const again = ScanCache.load(dir);
    const scanner = new FileScanner(entries, again, []);
    expect(unpack).not.toHaveBeenCalled();
    const [a] = entries;
    expect(again.has(ScanCache.key(a!.objectId, a!.path))).toBe(true);
    expect(again.get(ScanCache.key(a!.objectId, a!.path))).toEqual(manifest('k8s/a.yaml'));
    expect(again.get(ScanCache.key(a!.objectId, a!.path))).toEqual(manifest('k8s/a.yaml'));
    expect(unpack).toHaveBeenCalledTimes(1);

    // The scanner asks for each file's verdict as the file is packed: the same verdicts.
    for (const [index, text] of Object.values(files).entries())
      await scanner.chunk(index, Buffer.from(text));
    await scanner.finish();
    expect(unpack).toHaveBeenCalledTimes(2);
    expect([...scanner.images].sort()).toEqual(['nginx:k8s/a.yaml', 'nginx:k8s/b.yaml']);
  });
});
