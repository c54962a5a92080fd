import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, parseRecord } from '../../src/model/record.js';
import { acceptedRecord } from '../../src/model/record-check.js';
import { PALETTE, variantsOf } from '../helpers/mutations.js';

const sha = 'a'.repeat(64);
/** A record with every key the schema knows, each optional one present. */
const full = {
  format: BUNDLE_FORMAT,
  id: 'dev-topics-1234567',
  name: 'dev-topics',
  environment: 'dev',
  description: 'Create the topics',
  contentHash: 'b'.repeat(64),
  commit: '1234567890abcdef1234567890abcdef12345678',
  commitTime: '2026-11-26T01:25:51.000Z',
  specPath: 'bundles/dev-topics.yaml',
  spec: {
    name: 'dev-topics',
    environment: 'dev',
    description: 'Create the topics',
    files: ['k8s/dev/**'],
    exclude: ['k8s/dev/old/**'],
    s3: { bucket: 'acme-airgap', prefix: 'bundles/dev', region: 'eu-west-1', endpoint: 'x' },
    steps: [{ name: 'Apply', run: 'kubectl apply -f k8s/dev/', continueOnError: true }],
    verify: ['kubectl get kafkatopic -n kafka'],
    images: ['a/b:1'],
    ignoreImages: ['c/*'],
    imageSources: { 'a/b': 'docker.io/a/b' },
    ecr: { registry: 'r', region: 'eu-west-1', check: true, mirrors: ['quay.io'] },
    signing: { identity: 'ops@acme', allowedSigners: 'keys/allowed', key: '~/.ssh/id' },
    allowSecrets: [{ path: 'k8s/s.yaml', reason: 'sealed, safe to ship' }],
    // A key of a later airgap: the recorded spec keeps what it does not know.
    future: { anything: [1, 2] },
  },
  files: [
    { path: 'k8s/dev/topic.yaml', size: 120, mode: '100644', sha256: sha },
    { path: 'k8s/dev/link.yaml', size: 9, mode: '120000', sha256: sha, linkTarget: 'topic.yaml' },
  ],
  units: [
    { n: 1, kind: 'download', name: 'download' },
    {
      n: 2,
      kind: 'step',
      name: 'Apply topic',
      command: 'kubectl apply -f k8s/dev/topic.yaml',
      continueOnError: false,
      group: 'Apply',
      why: 'server-side apply',
      waitsFor: ['crd/x'],
    },
  ],
  planNotes: ['left out: a.yaml'],
  images: ['a/b:1'],
  missingImages: ['a/b:1'],
  externalImages: [
    { file: 'k8s/dev/op.yaml', line: 7, image: 'quay.io/a/b:1', ecrReference: 'r/a/b:1' },
  ],
  s3: {
    bucket: 'acme-airgap',
    prefix: 'bundles/dev',
    region: 'eu-west-1',
    endpoint: 'https://s3.eu-west-1.amazonaws.com',
    forcePathStyle: false,
  },
  plan: {
    blocks: [
      {
        side: 'bastion',
        n: 1,
        title: 'Download',
        purpose: 'p',
        success: 's',
        units: [1, 2],
        helpers: true,
        code: 'echo',
      },
    ],
    cloudshellUnits: [{ n: 1, kind: 'upload', name: 'upload' }],
  },
  signature: { identity: 'ops@acme', allowedSigners: 'x', allowedSignersPath: 'keys/a', sig: 's' },
  archive: {
    file: 'dev-topics-1234567.tar.gz',
    format: 'tar.gz',
    sha256: sha,
    size: 2048,
    key: 'bundles/dev/dev-topics-1234567.tar.gz',
  },
};

/** parseRecord's record, or undefined when it refuses. */
function zodRecord(json: string): unknown {
  try {
    return parseRecord(json, 'bundles/records/x.json');
  } catch {
    return undefined;
  }
}

describe('acceptedRecord, the zod-free check of the record a first bundle wrote', () => {
  it('accepts exactly what parseRecord accepts, as the record parseRecord gives', () => {
    const found: string[] = [];
    let accepted = 0;
    // As the stamp reads them: JSON text (a Date becomes a string, undefined goes).
    // The record's rules are types, patterns, enums and non-empty strings: no lengths, names
    // or commands to cross, so a shorter palette.
    const palette = [
      ...PALETTE.filter((v) => typeof v !== 'string'),
      ...['', 'x', 'f'.repeat(64), 'F'.repeat(64), '0'.repeat(40), '0'.repeat(41), '100644'],
      ...['10064', '2026-11-26T01:25:51Z', '2026-02-30T00:00:00.000Z', '2024-02-29T00:00:00.000Z'],
      ...['airgap-bundle/2', 'tar.gz', 'zip', 'step', 'verify-cmd', 'cloudshell', 'bastion'],
    ];
    const texts = variantsOf(full, 100, palette).map((variant) => JSON.stringify(variant));
    for (const json of texts) {
      const fast = acceptedRecord(JSON.parse(json));
      const zod = zodRecord(json);
      if (zod) accepted++;
      // Conservative on purpose: other datetime forms, and `__proto__` keys, go to zod.
      const conservative =
        !fast &&
        zod &&
        (json.includes('"__proto__"') || !/"commitTime":"[^"]*\.\d{3}Z"/.test(json));
      if ((fast !== undefined) !== (zod !== undefined) && !conservative) {
        found.push(
          `${fast ? 'accepted' : 'refused'}, zod ${zod ? 'accepts' : 'refuses'}: ${json.slice(0, 400)}`,
        );
      } else if (fast && !isDeepStrictEqual(fast, zod))
        found.push(`differs: ${json.slice(0, 400)}`);
    }
    expect(found).toEqual([]);
    // Enough of both answers that neither side can pass by answering one way.
    expect(accepted).toBeGreaterThan(200);
    expect(texts.length - accepted).toBeGreaterThan(3000);
  });

  it('refuses a commit time that is not a real date, and another format tag', () => {
    expect(acceptedRecord(full)).toBe(full);
    expect(acceptedRecord({ ...full, commitTime: '2026-02-30T00:00:00.000Z' })).toBeUndefined();
    expect(acceptedRecord({ ...full, format: 'airgap-bundle/2' })).toBeUndefined();
    expect(acceptedRecord([full])).toBeUndefined();
  });
});
