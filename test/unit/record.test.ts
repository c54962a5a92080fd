import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AirgapError, ExitCode } from '../../src/errors.js';
import {
  BUNDLE_FORMAT,
  type BundleRecord,
  parseContentManifest,
  parseRecord,
  readRecord,
  stableJson,
} from '../../src/model/record.js';
import { tempDir } from '../helpers/fixtures.js';

const sha = 'a'.repeat(64);
const record: BundleRecord = {
  format: BUNDLE_FORMAT,
  id: 'dev-topics-1234567',
  name: 'dev-topics',
  environment: 'dev',
  description: 'Create the topics',
  commit: '1234567890abcdef1234567890abcdef12345678',
  commitTime: '2026-11-26T01:25:51.000Z',
  specPath: 'bundles/dev-topics.yaml',
  spec: {
    name: 'dev-topics',
    environment: 'dev',
    description: 'Create the topics',
    files: ['k8s/dev/**'],
    s3: { bucket: 'acme-airgap', prefix: 'bundles/dev', region: 'eu-west-1' },
    verify: ['kubectl get kafkatopic -n kafka'],
    images: [],
    imageSources: {},
    allowSecrets: [],
  },
  files: [{ path: 'k8s/dev/topic.yaml', size: 120, mode: '100644', sha256: sha }],
  units: [
    { n: 1, kind: 'download', name: 'download' },
    { n: 2, kind: 'step', name: 'Apply topic', command: 'kubectl apply -f k8s/dev/topic.yaml' },
  ],
  images: [],
  missingImages: [],
  s3: { bucket: 'acme-airgap', prefix: 'bundles/dev', region: 'eu-west-1' },
  archive: {
    file: 'dev-topics-1234567.tar.gz',
    format: 'tar.gz',
    sha256: sha,
    size: 2048,
    key: 'bundles/dev/dev-topics-1234567.tar.gz',
  },
};

/** The AirgapError `parse` throws; an integrity error, as every bad record is. */
function refusal(parse: () => unknown, code: number = ExitCode.integrity): AirgapError {
  let caught: unknown;
  try {
    parse();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AirgapError);
  expect((caught as AirgapError).exitCode).toBe(code);
  return caught as AirgapError;
}

function withChanges(changes: Record<string, unknown>): string {
  return JSON.stringify({ ...record, ...changes });
}

describe('parseRecord', () => {
  it('reads back what stableJson wrote', () => {
    expect(parseRecord(stableJson(record), 'bundle.json')).toEqual(record);
  });

  it('names the file, the version found and the version it reads for another format', () => {
    const error = refusal(() =>
      parseRecord(withChanges({ format: 'airgap-bundle/2' }), 'bundles/records/x.json'),
    );
    expect(error.message).toBe(
      'bundles/records/x.json: bundle record has format airgap-bundle/2; this airgap reads airgap-bundle/1',
    );
    expect(error.hint).toMatch(/airgap version that wrote it/);
  });

  it('refuses JSON without a format tag, and text that is not JSON', () => {
    expect(refusal(() => parseRecord('{"id":"x"}', 'bundle.json')).message).toBe(
      'bundle.json: bundle record has no format tag; this airgap reads airgap-bundle/1',
    );
    // Damaged JSON is its own condition (exit 33), with the line.
    expect(refusal(() => parseRecord('[1,', 'bundle.json'), ExitCode.corruptFile).message).toMatch(
      /^bundle\.json: not a bundle record: .* \(line 1\)$/,
    );
  });

  it('lists each invalid field by its path', () => {
    const error = refusal(() =>
      parseRecord(
        withChanges({
          files: [{ path: 'a.yaml', size: -1, mode: '100644', sha256: 'zz' }],
          archive: { ...record.archive, format: 'rar' },
          surprise: true,
        }),
        'bundle.json',
      ),
    );
    expect(error.message).toBe('bundle.json: invalid bundle record (4 problems)');
    expect(error.details.join('\n')).toMatch(/^files\.0\.size: /m);
    expect(error.details.join('\n')).toMatch(/^files\.0\.sha256: expected a sha256 in hex$/m);
    expect(error.details.join('\n')).toMatch(/^archive\.format: /m);
    expect(error.details.join('\n')).toMatch(/surprise/);
  });
});

describe('parseRecord on the files of a record (checked without zod when they are valid)', () => {
  const file = record.files[0]!;
  it('reads valid files, links included, as they are', () => {
    const files = [file, { ...file, path: 'k8s/link', mode: '120000', linkTarget: 'topic.yaml' }];
    expect(parseRecord(withChanges({ files }), 'bundle.json').files).toEqual(files);
  });

  it.each([
    [{ ...file, extra: 1 }, /^files\.0: Unrecognized key: "extra"$/],
    [{ ...file, path: '' }, /^files\.0\.path: /],
    [{ ...file, size: 1.5 }, /^files\.0\.size: /],
    [{ ...file, size: '1' }, /^files\.0\.size: /],
    [{ ...file, mode: '644' }, /^files\.0\.mode: expected an octal git mode such as 100644$/],
    [{ ...file, sha256: sha.toUpperCase() }, /^files\.0\.sha256: expected a sha256 in hex$/],
    [{ ...file, linkTarget: 7 }, /^files\.0\.linkTarget: /],
    ['k8s/a.yaml', /^files\.0: /],
  ])("refuses %j with zod's message", (bad, message) => {
    const error = refusal(() => parseRecord(withChanges({ files: [bad] }), 'bundle.json'));
    expect(error.details.join('\n')).toMatch(message);
  });
});

describe('parseRecord on records of bundles built under older spec rules', () => {
  it('checks the recorded spec for shape only, so tighter spec rules leave old records readable', () => {
    const spec = {
      ...record.spec,
      name: 'Dev_Topics',
      description: 'x'.repeat(3000),
      aKeyFromLater: true,
    };
    expect(parseRecord(withChanges({ spec }), 'bundle.json').spec).toEqual(spec);
  });

  it('still refuses a recorded spec that lacks what airgap reads back', () => {
    const { files: _files, ...spec } = record.spec;
    expect(refusal(() => parseRecord(withChanges({ spec }), 'bundle.json')).details).toEqual([
      'spec.files: Invalid input: expected array, received undefined',
    ]);
  });
});

describe('readRecord', () => {
  it('reads and validates a record file, naming it in errors', async () => {
    await using tmp = await tempDir('airgap-record-');
    const dir = tmp.path;
    const good = join(dir, 'good.json');
    const old = join(dir, 'old.json');
    writeFileSync(good, stableJson(record));
    writeFileSync(old, withChanges({ format: 'airgap-bundle/0' }));
    expect((await readRecord(good)).id).toBe('dev-topics-1234567');
    await expect(readRecord(old)).rejects.toThrow(
      `${old}: bundle record has format airgap-bundle/0`,
    );
  });
});

describe('parseRecord of the archive’s own bundle.json', () => {
  it('reads the content manifest (no commit, no missing images) only when asked', () => {
    const { commit: _c, commitTime: _t, missingImages: _m, ...manifest } = record;
    const text = JSON.stringify(manifest);
    expect(() => parseRecord(text, 'bundle.json')).toThrow(/invalid bundle record \(3 problems\)/);
    const read = parseContentManifest(text, 'bundle.json');
    expect(read.id).toBe(record.id);
    // The content manifest has no commit and no missing images: not empty ones, none.
    expect(read).not.toHaveProperty('commit');
    expect(read).not.toHaveProperty('missingImages');
  });

  it('reads what an archive holds today, and an older one that carried the whole record', () => {
    const { commit: _c, commitTime: _t, missingImages: _m, archive: _a, ...manifest } = record;
    expect(parseContentManifest(stableJson(manifest), 'bundle.json')).toEqual(manifest);
    expect(parseContentManifest(stableJson(record), 'bundle.json')).toEqual(manifest);
  });

  it('still refuses an unknown key in the content manifest', () => {
    const error = refusal(() => parseContentManifest(withChanges({ surprise: 1 }), 'bundle.json'));
    expect(error.details.join('\n')).toMatch(/surprise/);
  });
});

describe('the repo record', () => {
  it('refuses a record without its archive: every record is written after packing', () => {
    const { archive: _a, ...rest } = record;
    const error = refusal(() => parseRecord(JSON.stringify(rest), 'bundles/records/x.json'));
    expect(error.details).toEqual(['archive: Invalid input: expected object, received undefined']);
  });
});
