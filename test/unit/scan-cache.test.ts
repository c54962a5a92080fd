import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesFingerprint } from '../../src/bundle/credentials.js';
import { type CachedScan, ScanCache } from '../../src/bundle/scan-cache.js';
import { type TempDir, tempDir } from '../helpers/fixtures.js';

const empty: CachedScan = { problems: [], images: [], isKubernetes: false, objects: [] };
const manifest: CachedScan = {
  problems: [{ path: 'k8s/a.yaml', line: 3, kind: 'secret', message: 'a Secret' }],
  images: ['nginx:1.27'],
  isKubernetes: true,
  objects: [{ kind: 'ConfigMap', apiVersion: 'v1', name: 'a', namespace: 'kafka' }],
};

// The file's name holds the rules' fingerprint: other rules, another file.
const FILE = `airgap/scan-cache-v9-${rulesFingerprint()}.json`;

/** A git dir with its airgap/ folder, made in `scratch`. */
function gitDir(scratch: TempDir): string {
  const dir = scratch.dir('airgap-scan-cache-');
  mkdirSync(join(dir, 'airgap'));
  return dir;
}

describe('ScanCache', () => {
  it('reads back every verdict it saved, storing equal verdicts once', async () => {
    await using tmp = await tempDir();
    const dir = gitDir(tmp);
    const cache = ScanCache.load(dir);
    const keys = ['b1 k8s/bin/x.bin', 'b2 k8s/bin/y.bin', 'm1 k8s/a.yaml'];
    cache.set(keys[0]!, { ...empty });
    cache.set(keys[1]!, { ...empty });
    cache.set(keys[2]!, manifest);
    await cache.save();
    const stored = JSON.parse(readFileSync(join(dir, FILE), 'utf8'));
    expect(stored.verdicts).toHaveLength(2);
    const again = ScanCache.load(dir);
    expect(keys.map((k) => again.get(k))).toEqual([empty, empty, manifest]);
    expect(again.get('b1 k8s/other.bin')).toBeUndefined();
  });

  it('reads back names and values past ASCII (the file is read as UTF-8 then)', async () => {
    await using tmp = await tempDir();
    const dir = gitDir(tmp);
    const cache = ScanCache.load(dir);
    const named: CachedScan = {
      ...manifest,
      objects: [{ kind: 'ConfigMap', apiVersion: 'v1', name: 'straße-ü', namespace: 'kafka' }],
    };
    cache.set('m1 k8s/日本/a.yaml', named);
    cache.set('b1 k8s/bin/x.bin', { ...empty });
    await cache.save();
    const again = ScanCache.load(dir);
    expect(again.get('m1 k8s/日本/a.yaml')).toEqual(named);
    expect(again.get('b1 k8s/bin/x.bin')).toEqual(empty);
  });

  it('reads the cache an earlier airgap wrote, one object keyed by blob and path', async () => {
    await using tmp = await tempDir();
    const dir = gitDir(tmp);
    writeFileSync(
      join(dir, FILE),
      JSON.stringify({ 'm1 k8s/a.yaml': manifest, 'b1 x.bin': empty }),
    );
    const cache = ScanCache.load(dir);
    expect(cache.get('m1 k8s/a.yaml')).toEqual(manifest);
    expect(cache.get('b1 x.bin')).toEqual(empty);
  });

  it('is named by the rules it was written under, and drops caches of other rules', async () => {
    await using tmp = await tempDir();
    const dir = gitDir(tmp);
    writeFileSync(
      join(dir, 'airgap/scan-cache-v6.json'),
      JSON.stringify({ 'm1 k8s/a.yaml': manifest }),
    );
    writeFileSync(join(dir, 'airgap/scan-cache-v6-0123456789abcdef.json'), '{}');
    const cache = ScanCache.load(dir);
    expect(cache.get('m1 k8s/a.yaml')).toBeUndefined();
    cache.set('m1 k8s/a.yaml', manifest);
    await cache.save();
    expect(readdirSync(join(dir, 'airgap'))).toEqual([FILE.slice('airgap/'.length)]);
    expect(rulesFingerprint()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('treats a damaged cache as empty', async () => {
    await using tmp = await tempDir();
    const dir = gitDir(tmp);
    writeFileSync(join(dir, FILE), '{"verdicts": [');
    expect(ScanCache.load(dir).get('m1 k8s/a.yaml')).toBeUndefined();
  });

  it("stores plain objects as indexes into their verdict's string table and reads back the same", async () => {
    await using tmp = await tempDir();
    const dir = gitDir(tmp);
    const cache = ScanCache.load(dir);
    const many: CachedScan = {
      ...manifest,
      objects: [
        { kind: 'ConfigMap', apiVersion: 'v1', name: 'a', namespace: 'kafka' },
        { kind: 'ConfigMap', apiVersion: 'v1', name: 'b' },
        { kind: 'Namespace', apiVersion: 'v1', name: 'kafka' },
      ],
    };
    const crd: CachedScan = {
      ...manifest,
      objects: [{ kind: 'CustomResourceDefinition', apiVersion: 'v1', name: 'c', defines: 'x/C' }],
    };
    cache.set('m1 k8s/a.yaml', many);
    cache.set('m2 k8s/crd.yaml', crd);
    cache.set('b1 x.bin', empty);
    await cache.save();
    const stored = JSON.parse(readFileSync(join(dir, FILE), 'utf8'));
    expect(stored.verdicts[0].s).toEqual(['ConfigMap', 'v1', 'kafka', 'Namespace']);
    expect(stored.verdicts[0].r).toEqual([0, 1, 2, 1, 0, 1, -1, 1, 3, 1, -1, 1]);
    expect(stored.verdicts[0].n).toEqual('a\nb\nkafka');
    expect(stored.verdicts[1].objects).toEqual(crd.objects);
    const again = ScanCache.load(dir);
    expect(again.get('m1 k8s/a.yaml')).toEqual(many);
    expect(again.get('m2 k8s/crd.yaml')).toEqual(crd);
    expect(again.get('b1 x.bin')).toEqual(empty);
    // An index past the table drops that verdict (the file is scanned again), not the others.
    stored.verdicts[0].r[2] = 99;
    writeFileSync(join(dir, FILE), JSON.stringify(stored));
    const damaged = ScanCache.load(dir);
    expect(damaged.get('m1 k8s/a.yaml')).toBeUndefined();
    expect(damaged.get('m2 k8s/crd.yaml')).toEqual(crd);
  });
});
