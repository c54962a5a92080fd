import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { bundleSpecSchema, parseBundleSpec } from '../../src/model/spec.js';
import { acceptedSpec, parseBundleSpecLazily } from '../../src/model/spec-check.js';
import { variantsOf } from '../helpers/mutations.js';
import { projectRoot } from '../helpers/ops-repo.js';

/** A spec with every key the schema knows, each optional one present. */
const full = {
  name: 'dev-topics',
  environment: 'dev',
  description: 'Create the topics',
  files: ['k8s/dev/**', 'k8s/base/*.yaml'],
  exclude: ['k8s/dev/old/**'],
  s3: {
    bucket: 'acme-airgap',
    prefix: 'bundles/dev',
    region: 'eu-west-1',
    endpoint: 'https://s3.eu-west-1.amazonaws.com',
    forcePathStyle: true,
  },
  namespace: 'argocd',
  steps: [
    { name: 'Apply topics', run: 'kubectl apply -f k8s/dev/', continueOnError: false },
    { name: 'Wait', run: 'kubectl wait --for=condition=Ready kafkatopic --all -n kafka' },
  ],
  verify: ['kubectl get kafkatopic -n kafka'],
  observe: [{ name: 'Kafka brokers', run: 'kubectl get kafka -n kafka -o wide' }],
  images: ['quay.io/strimzi/kafka:0.45.0-kafka-3.9.0'],
  ignoreImages: ['quay.io/strimzi/kafka:*-kafka-3.2.*'],
  imageSources: { 'strimzi/kafka': 'quay.io/strimzi/kafka', '1': 'docker.io/library/one' },
  ecr: {
    registry: '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    check: true,
    mirrors: ['quay.io', 'registry.local:5000'],
  },
  signing: { identity: 'ops@acme', allowedSigners: 'keys/allowed_signers', key: '~/.ssh/id' },
  allowSecrets: [{ path: 'k8s/dev/secret.yaml', reason: 'a sealed secret, safe to ship' }],
};

/** The shortest spec: only the required keys (the defaults fill the rest). */
const least = {
  name: 'x',
  environment: 'd',
  files: ['a'],
  s3: { bucket: 'abc', region: 'r' },
};

const committed = [
  'bundles/example-dev-topics.yaml',
  'bundles/example-dev-quote-service.yaml',
  'examples/kafka-ops/bundles/dev-topics.yaml',
  'examples/kafka-ops/bundles/dev-quote-service.yaml',
].map((file) => yaml.load(readFileSync(join(projectRoot, file), 'utf8')));

/**
 * Where the zod-free check and the schema disagree, described ([] when they never do), and
 * how many variants zod accepted.
 */
function disagreements(variants: unknown[]): { accepted: number; found: string[] } {
  const found: string[] = [];
  let accepted = 0;
  for (const variant of variants) {
    const fast = acceptedSpec(variant);
    const zod = bundleSpecSchema.safeParse(variant);
    if (zod.success) accepted++;
    const json = JSON.stringify(variant);
    // A `__proto__` key is left to zod, which drops it from a record of strings: the check
    // may refuse more than zod, never accept more.
    const conservative = !fast && zod.success && json.includes('"__proto__"');
    if ((fast !== undefined) !== zod.success && !conservative) {
      found.push(
        `${fast ? 'accepted' : 'refused'}, zod ${zod.success ? 'accepts' : 'refuses'}: ${json.slice(0, 400)}`,
      );
    } else if (fast && zod.success) {
      // The same keys in the same order (JSON text), and the same values.
      const same =
        JSON.stringify(fast) === JSON.stringify(zod.data) && isDeepStrictEqual(fast, zod.data);
      if (!same) found.push(`output differs: ${json.slice(0, 400)}`);
    }
  }
  return { accepted, found };
}

describe('acceptedSpec, the zod-free spec check of a first bundle', () => {
  it('accepts exactly what the schema accepts, and gives what zod gives', () => {
    const variants = [full, least, ...committed].flatMap((seed) => variantsOf(seed, 150));
    const { accepted, found } = disagreements(variants);
    expect(found).toEqual([]);
    // Enough of both answers that neither side can pass by answering one way.
    expect(accepted).toBeGreaterThan(500);
    expect(variants.length - accepted).toBeGreaterThan(5000);
  });

  it('fills in the defaults in zod order', () => {
    expect(JSON.stringify(acceptedSpec(least))).toBe(
      JSON.stringify({
        name: 'x',
        environment: 'd',
        files: ['a'],
        s3: { bucket: 'abc', prefix: '', region: 'r' },
        verify: [],
        images: [],
        imageSources: {},
        allowSecrets: [],
      }),
    );
  });

  it('leaves a YAML value zod refuses, or that is not plain data, to zod', () => {
    const dated = yaml.load('name: x\nenvironment: d\ndescription: 2024-01-01\n');
    expect(acceptedSpec(dated)).toBeUndefined();
    expect(acceptedSpec(Object.assign(Object.create({ inherited: 1 }), least))).toBeUndefined();
    expect(acceptedSpec([least])).toBeUndefined();
    expect(acceptedSpec(null)).toBeUndefined();
  });
});

describe('parseBundleSpecLazily', () => {
  const file = 'bundles/x.yaml';
  const refusal = async (parse: () => unknown) => {
    try {
      await parse();
    } catch (error) {
      return error;
    }
    throw new Error('not refused');
  };

  it('gives parseBundleSpec’s spec for a valid one', async () => {
    const text = readFileSync(join(projectRoot, 'bundles/example-dev-topics.yaml'), 'utf8');
    expect(await parseBundleSpecLazily(text, file)).toStrictEqual(parseBundleSpec(text, file));
  });

  it('refuses a bad spec and bad YAML with parseBundleSpec’s error', async () => {
    for (const text of [
      'name: Dev Topics\nenvironment: [dev]\ncolour: blue\n',
      'name: x\n  bad: indentation\n',
      '',
      '- a list\n',
    ]) {
      const expected = await refusal(() => parseBundleSpec(text, file));
      const lazy = await refusal(() => parseBundleSpecLazily(text, file));
      expect(lazy, text).toStrictEqual(expected);
      const { message, details, hint, exitCode } = lazy as Record<string, unknown>;
      expect({ message, details, hint, exitCode }, text).toEqual({
        message: (expected as Error).message,
        details: (expected as Record<string, unknown>).details,
        hint: (expected as Record<string, unknown>).hint,
        exitCode: (expected as Record<string, unknown>).exitCode,
      });
    }
  });
});
