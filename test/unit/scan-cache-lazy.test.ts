import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('writes one verdict a line, still JSON, and parses a line only when its verdict is asked for', async () => {
    await using tmp = await tempDir();
    const dir = tmp.dir('git-');
    mkdirSync(join(dir, 'airgap'));
    const cache = ScanCache.load(dir);
    for (const name of ['a', 'b', 'c']) cache.set(`m-${name} k8s/${name}.yaml`, manifest(name));
    await cache.save();
    const file = join(dir, 'airgap', readdirSync(join(dir, 'airgap'))[0]!);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('{"verdicts":[');
    expect(lines[4]!.startsWith('],"keys":')).toBe(true);
    expect(JSON.parse(text).verdicts).toHaveLength(3);

    // A damaged line loses that verdict alone (its file is scanned again), found when asked.
    writeFileSync(file, text.replace('"n":"b"', '"n":"b'));
    const damaged = ScanCache.load(dir);
    expect(damaged.has('m-b k8s/b.yaml')).toBe(true);
    expect(damaged.get('m-b k8s/b.yaml')).toBeUndefined();
    expect(damaged.get('m-a k8s/a.yaml')).toEqual(manifest('a'));
    expect(damaged.get('m-c k8s/c.yaml')).toEqual(manifest('c'));

    // A line split in two (a byte turned into a newline) or a line gone: the lines after it no
    // longer stand at their keys' indexes. No file is given another file's verdict.
    for (const edited of [
      text.replace('"n":"a"', '"n":"\na"'),
      lines.filter((_, i) => i !== 1).join('\n'),
    ]) {
      writeFileSync(file, edited);
      const shifted = ScanCache.load(dir);
      for (const name of ['a', 'b', 'c']) {
        const verdict = shifted.get(`m-${name} k8s/${name}.yaml`);
        if (verdict) expect(verdict).toEqual(manifest(name));
      }
    }

    // The one-line form an earlier airgap wrote is still read, whole.
    writeFileSync(file, JSON.stringify(JSON.parse(text)));
    const oneLine = ScanCache.load(dir);
    expect(oneLine.get('m-b k8s/b.yaml')).toEqual(manifest('b'));
  });
});
