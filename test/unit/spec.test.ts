import { describe, expect, it } from 'vitest';
import type { AirgapError } from '../../src/errors.js';
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
  it('accepts plain endpoints: host, port, path', () => {
    for (const endpoint of [
      'https://s3.us-east-1.amazonaws.com',
      'http://127.0.0.1:9000',
      'https://bucket.vpce-0a1b2c3d.s3.us-east-1.vpce.amazonaws.com/minio/',
    ]) {
      expect(problems(valid.replace(' }', `, endpoint: "${endpoint}" }`))).toEqual([]);
    }
  });
  it('accepts a minimal spec with defaults', () => {
    const spec = parseBundleSpec(valid, 'bundles/x.yaml');
    expect(spec.verify).toEqual([]);
    expect(spec.steps).toBeUndefined();
  });
  it.each([
    [
      'a region that cannot be one',
      valid.replace('region: us-east-1', 'region: "us-east-1$(touch x)"'),
      'bundles/x.yaml:5: s3.region: use an AWS region name',
    ],
    [
      'an endpoint with a query',
      valid.replace(' }', ', endpoint: "https://s3.example.com/?x=$(id)" }'),
      'bundles/x.yaml:5: s3.endpoint: use a plain URL',
    ],
    [
      'an endpoint with a user',
      valid.replace(' }', ', endpoint: "https://u:p@s3.example.com" }'),
      'bundles/x.yaml:5: s3.endpoint: use a plain URL',
    ],
    [
      'a step name on two lines',
      `${valid}steps:\n  - name: "Apply\\n\`\`\`"\n    run: kubectl apply -f a.yaml\n`,
      'bundles/x.yaml:7: step 1 of 1 (steps.0.name): keep a step name on one line',
    ],
    [
      'a bucket name S3 refuses (upper case)',
      valid.replace('acme-airgap', 'Acme_Airgap'),
      'bundles/x.yaml:5: s3.bucket: use an S3 bucket name',
    ],
    [
      'a bucket name with two dots',
      valid.replace('acme-airgap', 'acme..airgap'),
      'bundles/x.yaml:5: s3.bucket: an S3 bucket name has no two dots in a row',
    ],
    [
      'a bucket name shaped like an IP address',
      valid.replace('acme-airgap', '192.168.5.4'),
      'bundles/x.yaml:5: s3.bucket: an S3 bucket name is not an IP address',
    ],
    [
      'a bucket name with a reserved suffix',
      valid.replace('acme-airgap', 'acme-s3alias'),
      'bundles/x.yaml:5: s3.bucket: S3 reserves this prefix or suffix',
    ],
    [
      'a bucket name over 63 characters',
      valid.replace('acme-airgap', 'a'.repeat(64)),
      'bundles/x.yaml:5: s3.bucket: an S3 bucket name has 3 to 63 characters',
    ],
    [
      'a newline in the prefix',
      valid.replace('prefix: bundles/dev', 'prefix: "bundles/dev\\necho hi"'),
      'bundles/x.yaml:5: s3.prefix: keep the S3 prefix free of control characters',
    ],
    ['unknown key', `${valid}stepz: []\n`, 'bundles/x.yaml:6: (top level): unknown key stepz'],
    ['bad name', valid.replace('dev-topics', 'Dev_Topics'), 'bundles/x.yaml:1: name:'],
    [
      'wrong type',
      valid.replace('files: [k8s/*.yaml]', 'files: k8s/*.yaml'),
      'bundles/x.yaml:4: files: expected array, got string',
    ],
    ['missing key', valid.replace('files: [k8s/*.yaml]\n', ''), 'files: missing required key'],
    ['step without run', `${valid}steps:\n  - name: a\n`, 'steps.0.run'],
    ['YAML syntax', 'name: [oops\n', 'bundles/x.yaml:2: invalid YAML'],
  ])('%s', (_label, text, expected) => {
    expect(problems(text).join('\n')).toContain(expected);
  });
});

describe('a misspelt key in a step item', () => {
  const steps = [
    'steps:',
    '  - name: Dry run',
    '    run: kubectl apply --dry-run=server -f k8s/',
    '  - name: Apply',
    '    rnu: kubectl apply -f k8s/',
    '  - name: Check',
    '    run: kubectl get kafkatopic -n kafka',
    'verify:',
    '  - kubectl get pods',
  ].join('\n');
  it('is reported at its own line, with the step counted as PASTE.md counts it', () => {
    // Line 9 is `- name: Apply`, line 10 the typo; line 12 is the next step's `run:`.
    expect(problems(`${valid}${steps}\n`).slice(1)).toEqual([
      'bundles/x.yaml:9: step 2 of 3 (steps.1.run): missing required key: add it (expected string)',
      'bundles/x.yaml:10: step 2 of 3 (steps.1): unknown key rnu: remove it or check the spelling (did you mean run?)',
    ]);
  });
  it("in the last step, and in a list at its key's indent, stays in that item", () => {
    const last = `${valid}steps:\n- name: Apply\n  run: kubectl apply -f k8s/\n- name: Check\n  rnu: kubectl get pods\nobserve:\n- name: Pods\n  run: kubectl get pods\n`;
    expect(problems(last).slice(1)).toEqual([
      'bundles/x.yaml:9: step 2 of 2 (steps.1.run): missing required key: add it (expected string)',
      'bundles/x.yaml:10: step 2 of 2 (steps.1): unknown key rnu: remove it or check the spelling (did you mean run?)',
    ]);
  });
});

describe('a spec of name, environment, files and s3 alone', () => {
  it('is valid: the description is optional', () => {
    expect(problems(valid.replace('description: Create topics\n', ''))).toEqual([]);
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

describe('several misspelt keys (n7 #8)', () => {
  it('each at its own line, each with its nearest known key', () => {
    // Line 2 is `enviroment:`, line 6 `verfy:`: one line each, not one merged at line 2.
    const text = `${valid.replace('environment: dev', 'enviroment: dev')}verfy: [kubectl get pods]\n`;
    expect(problems(text)).toEqual([
      'bundles/x.yaml: invalid bundle spec (3 problems)',
      'bundles/x.yaml:1: environment: missing required key: add it (expected string)',
      'bundles/x.yaml:2: (top level): unknown key enviroment: remove it or check the spelling (did you mean environment?)',
      'bundles/x.yaml:6: (top level): unknown key verfy: remove it or check the spelling (did you mean verify?)',
    ]);
  });
  it('suggests a key that is not required, in nested objects too, and nothing for a key near none', () => {
    const text = `${valid.replace('region: us-east-1 }', 'region: us-east-1, bucke: x }')}imagez: []\nzzz: 1\n`;
    const found = problems(text).slice(1);
    expect(found).toContain(
      'bundles/x.yaml:5: s3: unknown key bucke: remove it or check the spelling (did you mean bucket?)',
    );
    expect(found).toContain(
      'bundles/x.yaml:6: (top level): unknown key imagez: remove it or check the spelling (did you mean images?)',
    );
    expect(found).toContain(
      'bundles/x.yaml:7: (top level): unknown key zzz: remove it or check the spelling',
    );
  });
});
