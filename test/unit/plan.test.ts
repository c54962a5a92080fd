import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundleIdFor, contentHash, renderSha256Sums } from '../../src/bundle/plan.js';
import { parseBundleSpec } from '../../src/model/spec.js';
import { GENERATOR_VERSION } from '../../src/model/version.js';

const spec = parseBundleSpec(
  [
    'name: dev-topics',
    'environment: dev',
    'description: topics',
    'files: [k8s/*.yaml]',
    's3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }',
  ].join('\n'),
  'bundles/dev-topics.yaml',
);
const entries = [
  { path: 'k8s/a.yaml', mode: '100644', objectId: 'a'.repeat(40) },
  { path: 'k8s/b.yaml', mode: '100644', objectId: 'b'.repeat(40) },
];
const base = {
  generator: '0.1.0',
  format: 'tar.gz' as const,
  specPath: 'bundles/dev-topics.yaml',
  spec,
  entries,
};

describe('contentHash', () => {
  it('is the same for the same content, whatever the key order of the spec', () => {
    const reordered = Object.fromEntries(Object.entries(spec).reverse()) as typeof spec;
    expect(contentHash({ ...base, spec: reordered })).toBe(contentHash(base));
  });

  it('changes with a blob, a path, a mode, the spec, the format or the generator', () => {
    const hash = contentHash(base);
    const variants = [
      { ...base, entries: [entries[0]!, { ...entries[1]!, objectId: 'c'.repeat(40) }] },
      { ...base, entries: [entries[0]!, { ...entries[1]!, path: 'k8s/c.yaml' }] },
      { ...base, entries: [entries[0]!, { ...entries[1]!, mode: '100755' }] },
      { ...base, spec: { ...spec, description: 'other' } },
      { ...base, format: 'zip' as const },
      { ...base, generator: '0.2.0' },
    ];
    const hashes = variants.map((v) => contentHash(v));
    expect(new Set([hash, ...hashes]).size).toBe(variants.length + 1);
  });

  it('gives ids as long as the commit-based ones, so markers stay under 80 columns', () => {
    expect(bundleIdFor('dev-topics', contentHash(base))).toMatch(/^dev-topics-[0-9a-f]{7}$/);
  });
});

describe('GENERATOR_VERSION', () => {
  it('is the package version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(GENERATOR_VERSION).toBe(pkg.version);
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
