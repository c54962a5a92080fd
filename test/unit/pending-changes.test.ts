import { describe, expect, it } from 'vitest';
import { readPendingEntries, upsertPendingEntry } from '../../src/docs/pending-changes.js';

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
