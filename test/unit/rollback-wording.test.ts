import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedRow } from '../../src/commands/bundle/current.js';
import { type PendingEntry, upsertPendingEntry } from '../../src/docs/pending-changes.js';
import type { BundleRecord } from '../../src/model/record.js';
import { tempDir } from '../helpers/fixtures.js';

const A = 'dev-topics-aaaaaaa';
const B = 'dev-topics-bbbbbbb';
const row = (bundleId: string, extra: Partial<PendingEntry> = {}): PendingEntry => ({
  bundleId,
  environment: 'dev',
  status: 'deployed',
  commit: '0123456789ab',
  date: '2026-11-26',
  files: 1,
  images: 0,
  link: '[runbook](docs/RUNBOOKS/x.md)',
  ...extra,
});

/** What bundling `id` again says it undoes, given PENDING-CHANGES.md's rows in order. */
async function preparedAgain(rows: PendingEntry[], id: string) {
  await using dir = await tempDir('airgap-wording-');
  const text = rows.reduce((t, r) => upsertPendingEntry(t, r).text, '');
  writeFileSync(join(dir.path, 'PENDING-CHANGES.md'), text);
  const record = { id, name: 'dev-topics', environment: 'dev' } as BundleRecord;
  return (await recordedRow(dir.path, record)).rollback;
}

describe('what preparing deployed content again is called (n9b 5)', () => {
  it('A, B, then A: a rollback from B', async () => {
    expect(await preparedAgain([row(A), row(B)], A)).toEqual({ from: B, prepareAgain: true });
  });
  it('A, B, rollback to A, then B: undoing the rollback to A', async () => {
    expect(await preparedAgain([row(B), row(A, { rollbackFrom: B })], B)).toEqual({
      from: A,
      prepareAgain: true,
      undoesRollback: true,
    });
  });
  it('…then A again after that redeploy: a rollback from B once more', async () => {
    const rows = [row(A, { rollbackFrom: B }), row(B, { rollbackFrom: A, undoesRollback: true })];
    expect(await preparedAgain(rows, A)).toEqual({ from: B, prepareAgain: true });
  });
});
