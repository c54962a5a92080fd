import { describe, expect, it } from 'vitest';
import { renderDeployments, TRACKER, upsertTrackerRow } from '../../src/docs/handoff.js';
import { readRows } from '../../src/docs/managed-document.js';
import { readPendingEntries, upsertPendingEntry } from '../../src/docs/pending-changes.js';
import { markSuperseded } from '../../src/docs/supersede.js';

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
  it('says how many images are not in ECR in the Status cell, keeping the Images cell a number', () => {
    const text = upsertPendingEntry('', {
      ...entry,
      status: 'deployed',
      images: 2,
      imagesNotInEcr: 1,
    }).text;
    const row = text.split('\n').find((line) => line.startsWith('| `dev-topics-1234567`')) ?? '';
    const cells = row.split('|').map((cell) => cell.trim());
    // What an airgap built before the note reads: the Images cell with Number(), the status as
    // the Status cell's first word (its parseStatusCell skips notes it does not know).
    expect(cells[3]).toBe('**deployed**, 1 image not in ECR');
    expect(cells[7]).toBe('2');
    expect(Number(cells[7])).toBe(2);
    expect(readPendingEntries(text)).toEqual([
      expect.objectContaining({ status: 'deployed', images: 2, imagesNotInEcr: 1 }),
    ]);
    // The form written for a while, `2 (1 not in ECR)`, is still read, and written back new.
    const old = text
      .replace('**deployed**, 1 image not in ECR', '**deployed**')
      .replace('| 2 |', '| 2 (1 not in ECR) |');
    const [read] = readPendingEntries(old);
    expect(read).toEqual(expect.objectContaining({ images: 2, imagesNotInEcr: 1 }));
    expect(upsertPendingEntry(old, read!).text).toBe(text);
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
  it('keeps a rollback, a run after discard and a supersede in the status cell', () => {
    const rolled = { ...entry, rollbackFrom: 'dev-topics-7654321', runAfterDiscard: true };
    const text = upsertPendingEntry('', rolled).text;
    expect(text).toContain(
      '| **prepared**, rollback from `dev-topics-7654321`, run after discard |',
    );
    expect(readPendingEntries(text)).toEqual([rolled]);
  });
  it('says a redeploy undoes the rollback to the content after it, in PENDING, TRACKER and CURRENT-STATE, and reads the old words (n9b 5)', () => {
    const redeploy = { ...entry, rollbackFrom: 'dev-topics-7654321', undoesRollback: true };
    const text = upsertPendingEntry('', redeploy).text;
    expect(text).toContain('| **prepared**, undoing the rollback to `dev-topics-7654321` |');
    expect(readPendingEntries(text)).toEqual([redeploy]);
    // Rows an older build wrote for the same bundle still read as the rollback they record.
    const old = text.replace('undoing the rollback to', 'rollback from');
    expect(readPendingEntries(old)).toEqual([{ ...entry, rollbackFrom: 'dev-topics-7654321' }]);
    expect(renderDeployments([redeploy])).toContain(
      '- pending, undoing the rollback to `dev-topics-7654321`: `dev-topics-1234567`; next: `airgap upload` from CloudShell, paste the bastion blocks, `airgap ingest <output>`',
    );
    const outcome = {
      bundleId: 'dev-topics-1234567',
      environment: 'dev',
      status: 'deployed',
      date: '2026-02-13',
      runbook: 'docs/RUNBOOKS/x.md',
      rollbackFrom: 'dev-topics-7654321',
    };
    // The older build's row of this redeploy is the same row, rewritten in the new words.
    const older = upsertTrackerRow('', outcome).text;
    expect(older).toContain('| deployed, rollback from `dev-topics-7654321` |');
    const tracker = upsertTrackerRow(older, { ...outcome, undoesRollback: true }).text;
    expect(tracker).toContain('| deployed, undoing the rollback to `dev-topics-7654321` |');
    expect(tracker).not.toContain('rollback from');
    expect(readRows(TRACKER, tracker)).toEqual([{ ...outcome, undoesRollback: true }]);
  });
  it("dates a rollback by its day, keeps the second it was prepared again in the Status cell, and reads the old rows' instant", () => {
    const rollback = {
      ...entry,
      rollbackFrom: 'dev-topics-7654321',
      preparedAgainAt: '2026-02-13T04:41:36Z',
    };
    const text = upsertPendingEntry('# Pending\n', rollback).text;
    expect(text).toContain(
      '| **prepared**, rollback from `dev-topics-7654321`, prepared again 04:41:36Z | `abc` | 2026-02-13 |',
    );
    expect(readPendingEntries(text)).toEqual([rollback]);
    const old = text.replace(
      ', prepared again 04:41:36Z | `abc` | 2026-02-13 |',
      ' | `abc` | 2026-02-13T04:41:36Z |',
    );
    expect(readPendingEntries(old)).toEqual([rollback]);
  });
  it('keeps a hand-edited `prepared again` note it cannot read as written (r9b 4)', () => {
    const rollback = { ...entry, rollbackFrom: 'dev-topics-7654321' };
    const text = upsertPendingEntry('', {
      ...rollback,
      preparedAgainAt: '2026-02-13T04:41:36Z',
    }).text.replace('prepared again 04:41:36Z', 'prepared again 4:41:36Z');
    const [read] = readPendingEntries(text);
    expect(read).toEqual({ ...rollback, unreadPreparedAgain: 'prepared again 4:41:36Z' });
    expect(upsertPendingEntry(text, { ...read!, files: 3 }).text).toContain(
      '| **prepared**, rollback from `dev-topics-7654321`, prepared again 4:41:36Z | `abc` | 2026-02-13 | 3 |',
    );
  });
  it('moves a row prepared again last, and marks what a later deployment supersedes', () => {
    const row = (bundleId: string, status: 'failed' | 'deployed' | 'prepared') => ({
      ...entry,
      bundleId,
      status,
    });
    let text = '';
    for (const e of [row('dev-topics-1111111', 'deployed'), row('dev-topics-2222222', 'failed')])
      text = upsertPendingEntry(text, e).text;
    text = upsertPendingEntry(text, row('dev-topics-1111111', 'prepared'), {
      moveToEnd: true,
    }).text;
    expect(readPendingEntries(text).map((e) => e.bundleId)).toEqual([
      'dev-topics-2222222',
      'dev-topics-1111111',
    ]);
    text = upsertPendingEntry(text, row('dev-topics-1111111', 'deployed')).text;
    const marked = markSuperseded(text);
    expect(marked.changed).toBe(true);
    expect(readPendingEntries(marked.text)[0]).toMatchObject({
      status: 'failed',
      supersededBy: 'dev-topics-1111111',
    });
    expect(markSuperseded(marked.text).changed).toBe(false);
  });
  it('moves a row right after another (older content deployed over it), before or after it', () => {
    const row = (bundleId: string, status: 'deployed' | 'prepared') => ({
      ...entry,
      bundleId,
      status,
    });
    const ids = ['dev-topics-1111111', 'dev-topics-2222222', 'dev-topics-3333333'];
    let text = '';
    for (const id of ids) text = upsertPendingEntry(text, row(id, 'deployed')).text;
    const order = (t: string) => readPendingEntries(t).map((e) => e.bundleId.slice(-1));
    const placed = (t: string, id: string, anchor: string) =>
      upsertPendingEntry(t, row(id, 'deployed'), { moveAfter: row(anchor, 'deployed') }).text;
    // Not to the end: a row prepared after the anchor stays after it (real pending work).
    expect(order(placed(text, ids[0]!, ids[1]!))).toEqual(['2', '1', '3']);
    expect(order(placed(text, ids[2]!, ids[0]!))).toEqual(['1', '3', '2']);
    // An anchor that is not in the table leaves the row in place.
    expect(order(placed(text, ids[0]!, 'dev-topics-9999999'))).toEqual(['1', '2', '3']);
  });
  it('keeps the block to retry from while failed, names it in CURRENT-STATE.md, drops it once superseded', () => {
    const failed = {
      ...entry,
      status: 'failed' as const,
      retryFrom: 7,
      link: '[runbook](r.md)',
    };
    let text = upsertPendingEntry('', failed).text;
    expect(text).toContain('| **failed**, retry from block 7 |');
    const [read] = readPendingEntries(text);
    expect(read).toEqual(failed);
    expect(renderDeployments([read!]).join('\n')).toContain(
      'next: paste block 7 of PASTE.md again, then the blocks after it, to retry, or fix',
    );
    // Without the note (a row an older airgap wrote): the general words, as before.
    const { retryFrom: _n, ...older } = failed;
    expect(renderDeployments([older]).join('\n')).toContain(
      "next: paste the failed step's block and the rest again to retry",
    );
    // A later deployment of the spec: no next step, so no block to retry from either.
    text = upsertPendingEntry(text, {
      ...entry,
      bundleId: 'dev-topics-7654321',
      status: 'deployed',
    }).text;
    const marked = markSuperseded(text).text;
    expect(marked).toContain('| **failed**, *superseded by `dev-topics-7654321`* |');
    expect(readPendingEntries(marked)[0]?.retryFrom).toBeUndefined();
    // Retried to the end: deployed, nothing to retry.
    const deployed = upsertPendingEntry('', { ...failed, status: 'deployed' }).text;
    expect(deployed).toContain('| **deployed** |');
  });
});
