import { describe, expect, it } from 'vitest';
import { collectImages, scanManifest } from '../../src/bundle/manifests.js';
import { renderSha256Sums } from '../../src/bundle/plan.js';
import type { AirgapError } from '../../src/errors.js';
import { parseImageRef } from '../../src/model/images.js';
import { parseBundleSpec } from '../../src/model/spec.js';

const valid = `name: dev-topics
environment: dev
description: Create topics
files: [k8s/*.yaml]
s3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }
`;

function problems(text: string): string[] {
  try {
    parseBundleSpec(text, 'bundles/x.yaml');
  } catch (error) {
    return [(error as AirgapError).message, ...(error as AirgapError).details];
  }
  return [];
}

describe('parseBundleSpec', () => {
  it('accepts a minimal spec with defaults', () => {
    const spec = parseBundleSpec(valid, 'bundles/x.yaml');
    expect(spec.verify).toEqual([]);
    expect(spec.steps).toBeUndefined();
  });
  it.each([
    ['unknown key', `${valid}stepz: []\n`, 'bundles/x.yaml:6: (top level): unknown key stepz'],
    ['bad name', valid.replace('dev-topics', 'Dev_Topics'), 'bundles/x.yaml:1: name:'],
    [
      'wrong type',
      valid.replace('files: [k8s/*.yaml]', 'files: k8s/*.yaml'),
      'bundles/x.yaml:4: files: expected array, got string',
    ],
    [
      'missing key',
      valid.replace('description: Create topics\n', ''),
      'description: missing required key',
    ],
    ['step without run', `${valid}steps:\n  - name: a\n`, 'steps.0.run'],
    ['YAML syntax', 'name: [oops\n', 'bundles/x.yaml:2: invalid YAML'],
  ])('%s', (_label, text, expected) => {
    expect(problems(text).join('\n')).toContain(expected);
  });
});

describe('scanManifest', () => {
  it('collects images from containers, initContainers and Strimzi CRs', () => {
    const scan = scanManifest(
      'a.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      initContainers: [{name: i, image: r/init:1}]\n      containers: [{name: c, image: r/app:2}]\n---\napiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata: {name: k}\nspec: {kafka: {image: r/kafka:3}}\n',
    );
    expect(scan.images).toEqual(['r/app:2', 'r/init:1', 'r/kafka:3']);
    expect(scan.problems).toEqual([]);
  });
  it('flags a Secret in the second document with its line', () => {
    const scan = scanManifest(
      'a.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n',
    );
    expect(scan.problems).toEqual([expect.objectContaining({ line: 5, kind: 'secret' })]);
  });
  it('walks nested lists', () => {
    const found = new Set<string>();
    collectImages({ a: [{ b: { image: 'x:1' } }] }, found);
    expect([...found]).toEqual(['x:1']);
  });
});

describe('parseImageRef', () => {
  it.each([
    [
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/strimzi/kafka:0.45.0',
      '111122223333.dkr.ecr.us-east-1.amazonaws.com',
      'strimzi/kafka',
      '0.45.0',
    ],
    ['busybox', 'docker.io', 'library/busybox', 'latest'],
    ['localhost:5000/app:1', 'localhost:5000', 'app', '1'],
    ['quay.io/strimzi/operator@sha256:abc', 'quay.io', 'strimzi/operator', ''],
  ])('%s', (ref, registry, repository, tag) => {
    expect(parseImageRef(ref)).toMatchObject({ registry, repository, tag });
  });
});

describe('renderSha256Sums', () => {
  it('escapes names with a backslash or newline the way GNU sha256sum does, and skips symlinks', () => {
    const text = renderSha256Sums([
      { path: 'a.yaml', size: 1, mode: '100644', sha256: 'a'.repeat(64) },
      { path: 'odd\nname', size: 1, mode: '100644', sha256: 'b'.repeat(64) },
      { path: 'link', size: 1, mode: '120000', sha256: 'c'.repeat(64) },
    ]);
    expect(text).toBe(`${'a'.repeat(64)}  a.yaml\n\\${'b'.repeat(64)}  odd\\nname\n`);
  });
});

describe('bundles/ in this project', () => {
  it('holds a JSON Schema that matches the validator', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { bundleSpecJsonSchema } = await import('../../src/model/spec-schema.js');
    const { projectRoot } = await import('../helpers/ops-repo.js');
    const committed = JSON.parse(
      readFileSync(join(projectRoot, 'bundles/bundle-spec.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(bundleSpecJsonSchema())));
  });
  it.each(['example-dev-topics.yaml', 'example-dev-quote-service.yaml'])(
    'example %s is valid',
    async (name) => {
      const { readFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { projectRoot } = await import('../helpers/ops-repo.js');
      expect(
        parseBundleSpec(readFileSync(join(projectRoot, 'bundles', name), 'utf8'), name).name,
      ).toMatch(/^dev-/);
    },
  );
});
