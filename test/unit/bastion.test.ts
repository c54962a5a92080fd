import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { planUnits } from '../../src/bundle/plan.js';
import { redactText } from '../../src/ingest/clean/redact.js';
import type { BundleRecord } from '../../src/model/record.js';
import {
  bastionBlocks,
  echoRows,
  helpersPayload,
  helpersSource,
  MAX_BLOCK_ROWS,
} from '../../src/paste/bastion.js';

const sha = 'a'.repeat(64);
const record = (signed: boolean): BundleRecord =>
  ({
    format: 'airgap-bundle/1',
    id: 'dev-topics-1234567',
    name: 'dev-topics',
    environment: 'dev',
    description: 'Create topics',
    commit: '1234567'.padEnd(40, '0'),
    commitTime: '2026-02-13T09:00:00.000Z',
    specPath: 'bundles/dev-topics.yaml',
    spec: {} as BundleRecord['spec'],
    files: [{ path: 'k8s/a.yaml', size: 1, mode: '100644', sha256: sha }],
    units: planUnits(
      [
        { name: 'Dry run', run: 'kubectl apply --dry-run=server -f k8s/a.yaml' },
        { name: 'Preview', run: 'kubectl diff -f k8s/a.yaml', kind: 'preview' },
        { name: 'Apply', run: 'kubectl apply -f k8s/a.yaml' },
      ],
      ['kubectl get kafkatopic -n kafka'],
    ),
    images: [],
    missingImages: [],
    s3: { bucket: 'acme-airgap', prefix: 'bundles/dev', region: 'us-east-1' },
    archive: {
      file: 'dev-topics-1234567.tar.gz',
      format: 'tar.gz',
      sha256: sha,
      size: 10,
      key: 'bundles/dev/dev-topics-1234567.tar.gz',
    },
    ...(signed
      ? {
          signature: {
            identity: 'ops@example.com',
            allowedSigners: `ops@example.com ssh-ed25519 ${'A'.repeat(68)}\n`.repeat(20),
            allowedSignersPath: 'allowed_signers',
            sig: `-----BEGIN SSH SIGNATURE-----\n${'U1NIU0lH'.repeat(40)}\n-----END SSH SIGNATURE-----\n`,
          },
        }
      : {}),
  }) as BundleRecord;

describe('bastion blocks', () => {
  it('count the units as the summary and ingest do: the summary is not one of them', () => {
    const r = record(false);
    // download, verify, extract, three steps, one verify command, then the summary.
    expect(r.units).toHaveLength(8);
    expect(helpersSource(r)).toContain('\nunits=7\n');
    const helpers = bastionBlocks(r).filter((b) => b.helpers);
    expect(helpers.at(-1)?.success).toBe(
      '`airgap: helpers for dev-topics-1234567 loaded (7 units)`',
    );
  });
  for (const signed of [false, true]) {
    it(`carry helpers.sh byte for byte in blocks that fit 80x24 (${signed ? 'signed' : 'unsigned'})`, () => {
      const r = record(signed);
      const blocks = bastionBlocks(r);
      const helpers = blocks.filter((b) => b.title.startsWith('Load the airgap helpers'));
      for (const block of helpers) expect(echoRows(block.code)).toBeLessThanOrEqual(MAX_BLOCK_ROWS);
      const pasted = helpers
        .flatMap((b) => b.code.split('\n'))
        .flatMap((line) => /^'([A-Za-z0-9+/=]+)' \\$/.exec(line)?.[1] ?? []);
      expect(pasted).toEqual(helpersPayload(r));
      expect(gunzipSync(Buffer.from(pasted.join(''), 'base64')).toString()).toBe(helpersSource(r));
    });
  }

  it('name the bundle in every unit call and end each in || :', () => {
    const r = record(false);
    const calls = bastionBlocks(r)
      .filter((b) => !b.title.startsWith('Load the airgap helpers'))
      .flatMap((b) => b.code.split('\n'));
    expect(calls).toHaveLength(r.units.length);
    calls.forEach((call, i) => {
      expect(call).toMatch(new RegExp(`^airgap_run dev-topics-1234567 ${i + 1} `));
      expect(call.endsWith(' || :')).toBe(true);
    });
  });

  it('group the dry run with its preview and the verification with the summary', () => {
    const titles = bastionBlocks(record(false))
      .filter((b) => !b.title.startsWith('Load the airgap helpers'))
      .map((b) => b.title);
    expect(titles).toEqual([
      'Download, verify and extract',
      'Unit 4 (step 1 of 2): Dry run and preview the changes',
      'Unit 6 (step 2 of 2): Apply',
      'Verify and summarise',
    ]);
  });

  it('keep helpers.sh free of comments and of `local` (zsh and POSIX sh read it)', () => {
    const source = helpersSource(record(true));
    expect(
      source
        .split('\n')
        .slice(1)
        .filter((l) => l.startsWith('#')),
    ).toEqual([]);
    expect(source).not.toMatch(/\blocal\b/);
  });
});

describe('bastion blocks echoed into the terminal copy', () => {
  for (const signed of [false, true]) {
    it(`hold nothing the redaction masks (${signed ? 'signed' : 'unsigned'})`, () => {
      for (const b of bastionBlocks(record(signed)))
        expect(redactText(b.code), b.title).toBe(b.code);
    });
  }
});
