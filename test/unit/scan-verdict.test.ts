import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ManifestObject } from '../../src/bundle/manifest-objects.js';
import { type CachedScan, ScanCache } from '../../src/bundle/scan-cache.js';
import { scanContent } from '../../src/bundle/scan-content.js';
import {
  packVerdict,
  receiveVerdict,
  type StoredVerdict,
  sendVerdict,
  unpackVerdict,
} from '../../src/bundle/scan-verdict.js';
import { tempDir } from '../helpers/fixtures.js';

/** Files whose verdicts take every form: plain objects, objects with more, problems, nothing. */
const FILES: Record<string, string> = {
  'k8s/plain.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: kafka\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: "b\\n\\"q\\" \\u00e9" }\n---\nkind: Namespace\napiVersion: v1\nmetadata: { name: kafka }\n',
  'k8s/crd.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: as.example.com\nspec:\n  group: example.com\n  names: { kind: A }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n',
  'k8s/kustomization.yaml': 'resources: [plain.yaml]\nnamespace: kafka\n',
  'k8s/secret.yaml':
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  db: hunter2hunter2\n',
  'k8s/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec:\n  template:\n    spec:\n      containers: [{ name: c, image: "nginx:1.27" }]\n',
  'k8s/broken.yaml': 'a: [unclosed\n',
  'k8s/notes.txt': 'nothing to see\n',
  'k8s/empty.yaml': '',
};

const verdicts = Object.entries(FILES).map(([path, text]) => scanContent(path, Buffer.from(text)));

/** What the main thread gets: the sent form through structured clone, as postMessage does. */
const across = (verdict: CachedScan, index = 0) =>
  receiveVerdict(structuredClone(sendVerdict(index, verdict)));

describe('scan verdicts between the scan threads and the main thread', () => {
  it('arrive equal to what the scan thread found, in every form', () => {
    expect(verdicts.some((v) => v.objects.some((o) => o.defines))).toBe(true);
    expect(verdicts.some((v) => v.objects.some((o) => o.kustomize))).toBe(true);
    expect(verdicts.some((v) => v.problems.length)).toBe(true);
    expect(verdicts.some((v) => v.images.length)).toBe(true);
    verdicts.forEach((verdict, i) => {
      expect(across(verdict, i)).toEqual(verdict);
    });
  });

  it('store only plain objects as indexes: anything more keeps them whole', () => {
    const objects: ManifestObject[] = [
      { kind: 'ConfigMap', apiVersion: 'v1', name: 'a', namespace: 'kafka' },
      { kind: 'CustomResourceDefinition', apiVersion: 'v1', name: 'c', defines: 'x/C' },
    ];
    for (const extra of [
      { defines: 'x/C' },
      { oversized: true as const },
      { kustomize: { resources: ['a.yaml'] } },
    ]) {
      const verdict: CachedScan = {
        problems: [],
        images: [],
        isKubernetes: true,
        objects: [objects[0]!, { kind: 'K', apiVersion: 'v1', name: 'n', ...extra }],
      };
      expect('r' in packVerdict(verdict)).toBe(false);
      expect(across(verdict)).toEqual(verdict);
    }
    const plain: CachedScan = {
      problems: [],
      images: [],
      isKubernetes: true,
      objects: [objects[0]!],
    };
    expect(packVerdict(plain)).toEqual({
      problems: [],
      images: [],
      isKubernetes: true,
      s: ['ConfigMap', 'v1', 'kafka'],
      r: [0, 1, 2, 1],
      n: 'a',
    });
  });

  it("keep each object's kind, apiVersion and namespace when they change from one to the next", () => {
    const objects: ManifestObject[] = [
      { kind: '', apiVersion: '', name: '' },
      { kind: 'A', apiVersion: 'v1', name: 'a', namespace: 'x' },
      { kind: 'A', apiVersion: 'v1', name: 'b' },
      { kind: 'A', apiVersion: 'v1', name: 'c', namespace: 'x' },
      { kind: 'A', apiVersion: 'v2', name: 'd', namespace: 'y' },
      { kind: 'B', apiVersion: 'v1', name: 'x', namespace: '' },
      { kind: 'A', apiVersion: 'v1', name: 'y', namespace: 'x' },
      { kind: 'x', apiVersion: 'x', name: 'x', namespace: 'x' },
    ];
    for (let start = 0; start < objects.length; start++) {
      const verdict: CachedScan = {
        problems: [],
        images: [],
        isKubernetes: true,
        objects: [...objects.slice(start), ...objects.slice(0, start)],
      };
      const packed = packVerdict(verdict) as Extract<StoredVerdict, { r: number[] }>;
      // Kinds, apiVersions and namespaces each stored once; names only in `n`.
      const entries = new Map<string, Set<number>>();
      packed.r.forEach((at, i) => {
        if (i % 4 === 3 || at < 0) return;
        const text = packed.s[at]!;
        entries.set(text, (entries.get(text) ?? new Set()).add(at));
      });
      for (const indexes of entries.values()) expect(indexes.size).toBe(1);
      expect(new Set(packed.s).size).toBe(packed.s.length);
      expect(across(verdict)).toEqual(verdict);
    }
  });

  it('parse their objects only when read', () => {
    const sent = sendVerdict(0, verdicts[0]!);
    const verdict = receiveVerdict({ ...sent, stored: '{"damaged' });
    expect(verdict.problems).toEqual(verdicts[0]!.problems);
    expect(verdict.isKubernetes).toBe(true);
    expect(() => verdict.objects).toThrow(/does not read back/);
  });

  it('are saved in the scan cache as they came and read back equal', async () => {
    await using tmp = await tempDir();
    const dir = tmp.dir('airgap-scan-verdict-');
    mkdirSync(join(dir, 'airgap'));
    const cache = ScanCache.load(dir);
    verdicts.forEach((verdict, i) => {
      cache.set(`b${i} ${Object.keys(FILES)[i]}`, across(verdict, i));
    });
    await cache.save();
    const again = ScanCache.load(dir);
    verdicts.forEach((verdict, i) => {
      expect(again.get(`b${i} ${Object.keys(FILES)[i]}`)).toEqual(verdict);
    });
  });

  it('are dropped when their indexes do not read back (the file is scanned again)', () => {
    const verdict = scanContent(
      'k8s/runs.yaml',
      Buffer.from(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: kafka }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: kafka }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: d }\n',
      ),
    );
    const good = packVerdict(verdict) as Extract<StoredVerdict, { r: number[] }>;
    expect(good.n).toBe('a\nkafka\nc\nd');
    expect(unpackVerdict(good)).toEqual(verdict);
    // The last run: ConfigMap, v1, no namespace, two objects (the Namespace's own run ends it).
    const last = good.r.slice(-4);
    const before = good.r.slice(0, -4);
    expect(before.length).toBeGreaterThan(0);
    const damaged = [
      { ...good, r: [...before, 99, last[1], last[2], last[3]] },
      { ...good, r: [...before, last[0], last[1], 99, last[3]] },
      { ...good, r: [...before, last[0], '1', last[2], last[3]] },
      { ...good, r: [...before, last[0], last[1], last[2], last[3]! + 1] },
      // Counts that still add up to the names: each run must count a whole object or more.
      { ...good, r: good.r.map((at, i) => (i === 7 ? 4 : i === 11 ? -1 : at)) },
      { ...good, r: good.r.map((at, i) => (i === 7 ? 1.5 : i === 11 ? 1.5 : at)) },
      { ...good, r: good.r.map((at, i) => (i === 7 ? 3 : i === 11 ? 0 : at)) },
      { ...good, r: good.r.slice(0, -1) },
      { ...good, r: [] },
      { ...good, n: `${good.n}\nextra` },
      { ...good, n: ['a'] },
      { ...good, s: 'ConfigMap' },
      { ...good, s: [...good.s.slice(0, -1), 7] },
      { problems: [], images: [], isKubernetes: false },
    ];
    for (const stored of damaged) expect(unpackVerdict(stored as StoredVerdict)).toBeUndefined();
  });
});
