import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlainest, scanManifest } from '../../src/bundle/manifests.js';
import { simpleLoadAll } from '../../src/bundle/simple-yaml.js';
import { NESTED, skeletonLoadAll } from '../../src/bundle/yaml-skeleton.js';
import {
  largeTree,
  monitoringStack,
  operatorWithKustomizedCrds,
} from '../helpers/install-fixtures.js';
import {
  credentialSecrets,
  harmlessSecrets,
  namespaces,
  prometheusOperator,
  strimziOperator,
} from '../helpers/operator-fixtures.js';
import { exampleRepo } from '../helpers/ops-repo.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** What skeletonLoadAll keeps of a document simpleLoadAll loaded whole. */
function skeletonOf(document: unknown): unknown {
  const whole = document as Record<string, unknown>;
  const kept = (value: unknown) => (value !== null && typeof value === 'object' ? NESTED : value);
  const skeleton: Record<string, unknown> = {};
  if ('apiVersion' in whole) skeleton.apiVersion = kept(whole.apiVersion);
  if ('kind' in whole) skeleton.kind = kept(whole.kind);
  if ('metadata' in whole) {
    const metadata = whole.metadata;
    if (metadata !== null && typeof metadata === 'object') {
      const m = metadata as Record<string, unknown>;
      const meta: Record<string, unknown> = {};
      if ('name' in m) meta.name = kept(m.name);
      if ('namespace' in m) meta.namespace = kept(m.namespace);
      skeleton.metadata = meta;
    } else skeleton.metadata = metadata;
  }
  return skeleton;
}

/** The skeleton loader declines exactly where simpleLoadAll does, and keeps its values. */
function expectSkeleton(text: string): boolean {
  const whole = simpleLoadAll(text);
  const skeleton = skeletonLoadAll(text);
  if (whole === undefined) {
    expect(skeleton, JSON.stringify(text)).toBeUndefined();
    return false;
  }
  expect(skeleton, JSON.stringify(text)).toStrictEqual({
    documents: whole.documents.map(skeletonOf),
    lines: whole.lines,
  });
  return true;
}

const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'data', 'k', 'spec', 'x.y/z'];
const VALUES = ['v1', 'ConfigMap', 'cm-1-2', '"quoted"', "'single'", '42', 'true', 'NULL', ''];
const OUTSIDE = ['007', '1.5', '~', '"a\\"b"', '&a v', '[a]', '|', 'a: b', 'yes', 'x:'];

/** A random document of k8s-like keys, nested up to four deep, sometimes outside the subset. */
function randomDocument(random: ReturnType<typeof seededRandom>, outside: boolean): string {
  const lines: string[] = [];
  let depth = 0;
  for (let i = 1 + random.int(12); i > 0; i--) {
    const roll = random.next();
    const indent = outside && roll < 0.04 ? 1 + random.int(3) : depth * 2;
    const key = random.pick(KEYS) + (roll > 0.9 ? random.pick(['', 'True', '_']) : '');
    const value = outside && roll > 0.93 ? random.pick(OUTSIDE) : random.pick(VALUES);
    const nested = depth < 4 && random.next() < 0.3;
    lines.push(`${' '.repeat(indent)}${key}:${nested || !value ? '' : ` ${value}`}`);
    if (nested) depth++;
    else if (depth && random.next() < 0.3) depth = random.int(depth);
  }
  return lines.join('\n');
}

describe('skeletonLoadAll', () => {
  it('declines where simpleLoadAll does and keeps what it loads, on random documents', () => {
    const random = seededRandom(2806);
    let accepted = 0;
    let declined = 0;
    for (let i = 0; i < 4000; i++) {
      const docs = Array.from({ length: 1 + random.int(4) }, () =>
        randomDocument(random, i % 3 === 0),
      );
      const text = `${random.next() < 0.1 ? '# c\n---\n' : ''}${docs.join('\n---\n')}\n`;
      if (expectSkeleton(text)) accepted++;
      else declined++;
    }
    expect(accepted).toBeGreaterThan(600);
    expect(declined).toBeGreaterThan(500);
  });

  it('declines duplicated keys among the first few and among many, and keys js-yaml renames', () => {
    const many = (n: number, again: number) =>
      `data:\n${Array.from({ length: n }, (_, i) => `  k${i}: v\n`).join('')}  k${again}: w\n`;
    for (const text of [
      'kind: a\nkind: b\n',
      'metadata:\n  name: a\n  name: b\n',
      many(3, 1),
      many(40, 2), // the duplicate is among the first keys, found after the switch to a Set
      many(40, 33),
      'True: x\n',
      'null: x\n',
      'metadata:\n  __proto__: x\n',
    ])
      expect(expectSkeleton(text), text).toBe(false);
    expect(expectSkeleton(many(40, 40))).toBe(true);
    expect(expectSkeleton('nun: 1\ntrap: 2\nfalsy: 3\n__x: 4\n')).toBe(true);
  });

  it('stands NESTED for a mapping where a kept scalar would be', () => {
    const text = 'apiVersion:\n  a: 1\nkind:\nmetadata:\n  name:\n    x: y\n  namespace:\n';
    expect(skeletonLoadAll(text)?.documents).toStrictEqual([
      { apiVersion: NESTED, kind: null, metadata: { name: NESTED, namespace: null } },
    ]);
    expect(expectSkeleton(text)).toBe(true);
  });
});

const configMap = (f: number, d: number) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${f}-${d}\n  namespace: apps\ndata:\n  k: v${d}\n`;

/** Documents whose checks read beyond the skeleton, or that change how a file is loaded. */
const PLANTED = [
  (d: number) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-${d}\ndata:\n  k: djE=\n`,
  (d: number) => `apiVersion: v1\nkind: sECRET\nmetadata:\n  name: s-${d}\nstringData:\n  k: v\n`,
  (d: number) =>
    `apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaUser\nmetadata:\n  name: u-${d}\nspec:\n  authentication:\n    password:\n      value: p${d}\n`,
  (d: number) => `apiVersion: v1\nkind: ConfigMapList\nitems:\n  a: ${d}\n`,
  (d: number) => `apiVersion: v1\nkind: Kustomization\nnamespace: n${d}\n`,
  (d: number) =>
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x${d}.example.com\nspec:\n  group: example.com\n  names:\n    kind: X${d}\n`,
  (d: number) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d-${d}\nspec:\n  template:\n    spec:\n      image: repo/app:${d}\n`,
  (d: number) => `kind: ConfigMap\nmetadata:\n  namespace: n${d}\n`,
  (d: number) => `apiVersion: 1\nkind: true\nmetadata: m${d}\n`,
  (d: number) => `apiVersion: v1\nkind:\n  k: ${d}\nmetadata:\n  name:\n`,
  (d: number) => `data:\n  k: v${d}\n`,
  (d: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b${d}\n`,
];

function expectSameScan(path: string, text: string): void {
  expect(scanManifest(path, text), path).toStrictEqual(
    scanManifest(path, text, { jsYamlOnly: true }),
  );
}

/** Whether scanManifest took the skeletons for this file. */
const skeletal = (path: string, text: string) =>
  loadPlainest(path, text)?.documents.every((d) => !('data' in (d as object))) === true &&
  skeletonLoadAll(text) !== undefined;

describe('scanManifest on skeletons against js-yaml alone', () => {
  it('gives the same verdict on repetitive files with documents of every kind planted', () => {
    const random = seededRandom(2807);
    let fast = 0;
    for (let f = 0; f < 200; f++) {
      const docs = Array.from({ length: 40 }, (_, d) => configMap(f, d));
      if (f % 3 !== 0)
        for (let n = 1 + random.int(2); n > 0; n--)
          docs[random.int(docs.length)] = random.pick(PLANTED)(random.int(1000));
      const text = docs.join('---\n');
      const path = f % 17 === 5 ? `k8s/${f}/kustomization.yaml` : `k8s/gen/app-${f}.yaml`;
      expectSameScan(path, text);
      if (skeletal(path, text)) fast++;
    }
    expect(fast).toBeGreaterThan(80);
    expect(fast).toBeLessThan(180);
  });

  it('takes each planted document alone the same way', () => {
    for (const [i, planted] of PLANTED.entries()) {
      expectSameScan(`k8s/p${i}.yaml`, planted(i));
      expectSameScan(`k8s/p${i}.yaml`, `${configMap(0, 0)}---\n${planted(i)}`);
    }
    expectSameScan('kustomization.yaml', 'apiVersion: v1\nnamespace: apps\n');
  });

  it('marks an oversized plain object as the whole document does', () => {
    const keys = Array.from({ length: 9000 }, (_, i) => `  key-${i}: "${'v'.repeat(20)}"\n`);
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${keys.join('')}`;
    expect(scanManifest('big.yaml', text).objects[0]?.oversized).toBe(true);
    expectSameScan('big.yaml', text);
  });

  it('gives the same verdict on the public-install fixtures, file by file and document by document', () => {
    const files: Record<string, string> = {
      ...monitoringStack(),
      ...operatorWithKustomizedCrds(),
      ...largeTree(20),
      ...harmlessSecrets('ops'),
      ...Object.fromEntries(
        Object.entries(credentialSecrets('ops')).map(([path, { text }]) => [path, text]),
      ),
      'strimzi.yaml': strimziOperator(),
      'prometheus.yaml': prometheusOperator(),
      'namespaces.yaml': namespaces('a', 'b', 'c'),
    };
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.ya?ml$/.test(name)) files[path] = readFileSync(path, 'utf8');
      }
    };
    walk(exampleRepo);
    let documents = 0;
    let fast = 0;
    for (const [path, text] of Object.entries(files)) {
      if (!/\.ya?ml$/.test(path)) continue;
      expectSameScan(path, text);
      for (const document of text.split(/^---$/m)) {
        if (!document.trim()) continue;
        expectSameScan(path, document);
        documents++;
        if (skeletal(path, document)) fast++;
      }
    }
    expect(documents).toBeGreaterThan(100);
    expect(fast).toBeGreaterThan(10);
  });
});
