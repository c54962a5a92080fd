import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { missingImages, readEcrImages, upsertEcrImages } from '../../src/docs/ecr-manifest.js';
import { findManagedBlock, upsertManagedBlock } from '../../src/docs/managed-block.js';
import { readPendingEntries, upsertPendingEntry } from '../../src/docs/pending-changes.js';
import { fenceFor } from '../../src/scripts/fence.js';
import { shellQuote } from '../../src/util/shell-quote.js';

describe('upsertManagedBlock', () => {
  it('appends to a document without a final newline, keeping every original byte', () => {
    const doc = '# Title\n\nHuman text without newline';
    const out = upsertManagedBlock(doc, 'x', ['a']);
    expect(out.startsWith(doc)).toBe(true);
    expect(findManagedBlock(out, 'x')?.lines).toEqual(['a']);
  });
  it('uses CRLF in a CRLF document and leaves the rest byte-for-byte', () => {
    const doc = '# Title\r\n\r\nHuman\r\n';
    const once = upsertManagedBlock(doc, 'x', ['a', 'b']);
    expect(once.startsWith(doc)).toBe(true);
    expect(once.slice(doc.length)).not.toMatch(/[^\r]\n/);
    const twice = upsertManagedBlock(`${once}tail text\r\n`, 'x', ['c']);
    expect(twice.startsWith(doc)).toBe(true);
    expect(twice.endsWith('tail text\r\n')).toBe(true);
    expect(findManagedBlock(twice, 'x')?.lines).toEqual(['c']);
  });
  it('is idempotent', () => {
    const once = upsertManagedBlock('text\n', 'x', ['a']);
    expect(upsertManagedBlock(once, 'x', ['a'])).toBe(once);
  });
  it('detects a hand edit inside the block', () => {
    const once = upsertManagedBlock('', 'x', ['a']);
    expect(findManagedBlock(once, 'x')?.editedByHand).toBe(false);
    expect(findManagedBlock(once.replace('\na\n', '\nb\n'), 'x')?.editedByHand).toBe(true);
  });
});

describe('PENDING-CHANGES table', () => {
  const entry = {
    bundleId: 'dev-topics-1234567',
    environment: 'dev',
    status: 'prepared' as const,
    commit: 'abc',
    date: '2026-02-13',
    files: 3,
    images: 1,
    link: 'x',
  };
  it('moves a bundle from prepared to deployed in place', () => {
    const prepared = upsertPendingEntry('# Pending\n', entry).text;
    const deployed = upsertPendingEntry(prepared, {
      ...entry,
      status: 'deployed',
      link: '[runbook](r.md)',
    }).text;
    expect(readPendingEntries(deployed)).toEqual([
      expect.objectContaining({
        bundleId: 'dev-topics-1234567',
        status: 'deployed',
        link: '[runbook](r.md)',
      }),
    ]);
  });
  it('keeps rows a person added inside the block, and warns', () => {
    const prepared = upsertPendingEntry('', entry).text;
    const edited = prepared.replace(
      '<!-- airgap:end',
      '| `hand-made-1` | uat | **prepared** | `x` | 2026-01-01 | 1 | 0 | by hand |\n<!-- airgap:end',
    );
    const update = upsertPendingEntry(edited, { ...entry, status: 'failed' });
    expect(update.warnings[0]).toContain('edited by hand');
    expect(readPendingEntries(update.text).map((e) => e.bundleId)).toEqual([
      'dev-topics-1234567',
      'hand-made-1',
    ]);
  });
});

describe('ECR manifest', () => {
  const human =
    '| Repository | Tag | Environment |\n|---|---|---|\n| strimzi/kafka | 0.45.0 | dev |\n';
  it('reads human tables and finds what is missing for the environment', () => {
    expect(readEcrImages(human)).toHaveLength(1);
    const images = [
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/strimzi/kafka:0.45.0',
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/edenhill/kcat:1.7.1',
    ];
    expect(missingImages(images, human, 'dev')).toEqual([images[1]]);
    expect(missingImages(images, human, 'uat')).toEqual(images);
  });
  it('updates rows in place by repository, tag and environment', () => {
    const row = {
      repository: 'edenhill/kcat',
      tag: '1.7.1',
      digest: `sha256:${'a'.repeat(64)}`,
      environment: 'dev',
      date: '2026-02-13',
      source: 'CloudShell push',
    };
    const once = upsertEcrImages(human, [row]).text;
    const twice = upsertEcrImages(once, [{ ...row, digest: `sha256:${'b'.repeat(64)}` }]).text;
    expect(twice.startsWith(human)).toBe(true);
    expect(
      readEcrImages(twice)
        .filter((r) => r.repository === 'edenhill/kcat')
        .map((r) => r.digest),
    ).toEqual([`sha256:${'b'.repeat(64)}`]);
  });
});

describe('shellQuote', () => {
  it.each([
    ["a b'c$(touch pwned)`x`.yaml"],
    ['$HOME'],
    ["'"],
    [''],
    ['line\nbreak'],
    ['é ünïcode'],
    ['--flag=value'],
    ['!event'],
  ])('round-trips %j through real bash', (value) => {
    const result = spawnSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`], {
      encoding: 'utf8',
    });
    expect(result.stdout).toBe(value);
  });
});

describe('fenceFor', () => {
  it('is longer than any backtick run in the content', () => {
    expect(fenceFor('no ticks')).toBe('```');
    expect(fenceFor('has ```` four')).toBe('`````');
  });
});
