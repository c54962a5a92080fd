import { describe, expect, it } from 'vitest';
import { mergeAttempts } from '../../src/ingest/outcome/merge.js';
import {
  countOutcome,
  crossCheck,
  formatCounts,
  primaryRun,
  readSummary,
  splitPastes,
  splitRuns,
} from '../../src/ingest/outcome/outcome.js';
import type { SpooledAttempt } from '../../src/ingest/parse/spool.js';
import type { Unit } from '../../src/model/record.js';

const units: Unit[] = [
  { n: 1, kind: 'download', name: 'd' },
  { n: 2, kind: 'step', name: 's', command: 'x' },
  { n: 3, kind: 'verify-cmd', name: 'v', command: 'y' },
  { n: 4, kind: 'summary', name: 'summary' },
];

const attempt = (n: number, kind: Unit['kind'], rc: number | undefined, at: number) =>
  ({
    bundleId: 'b-1234567',
    n,
    kind,
    seq: at,
    beginEpoch: at,
    endEpoch: at,
    complete: rc !== undefined,
    rc,
    lineCount: 0,
    foreignMarkers: 0,
    longestBackticks: 0,
    transcript: 0,
    outputPath: '',
    outputStart: 0,
    outputEnd: 0,
    masked: 0,
  }) as SpooledAttempt;

describe('the one count', () => {
  it('counts transfer, steps and verify commands, never the summary', () => {
    const results = mergeAttempts(
      units,
      [attempt(1, 'download', 0, 1), attempt(2, 'step', 1, 2), attempt(4, 'summary', 1, 3)],
      [],
    );
    const counts = countOutcome(results);
    expect(counts).toEqual({ ok: 1, failed: 1, skipped: 0, notYetSeen: 1, total: 3 });
    expect(formatCounts(counts)).toBe('1 ok, 1 failed, 0 skipped, 1 not yet seen (of 3 units)');
  });
});

describe('the bastion summary', () => {
  const summary = readSummary(
    'airgap: b-1234567: 2 ok, 1 failed, 0 skipped, 0 not run\nairgap: RESULT: FAILED\n',
  );
  it('is read from its output', () => {
    expect(summary).toEqual({ success: false, ok: 2, failed: 1, skipped: 0, notRun: 0 });
    expect(readSummary('no result line')).toBeUndefined();
    // Today's helpers say `not yet seen`, as ingest and the runbook do.
    expect(
      readSummary('airgap: b-1234567: 2 ok, 0 failed, 0 skipped, 1 not yet seen\nRESULT: FAILED'),
    ).toEqual({ success: false, ok: 2, failed: 0, skipped: 0, notRun: 1 });
  });
  it('is never contradicted silently', () => {
    const allOk = { ok: 3, failed: 0, skipped: 0, notYetSeen: 0, total: 3 };
    const checked = crossCheck('deployed', allOk, summary);
    expect(checked.status).toBe('failed');
    expect(checked.disagreement).toContain(
      '2 ok, 1 failed, 0 skipped, 0 not yet seen (RESULT: FAILED)',
    );
    const agreeing = { ok: 2, failed: 1, skipped: 0, notYetSeen: 0, total: 3 };
    expect(crossCheck('failed', agreeing, summary)).toEqual({ status: 'failed' });
    // A partial paste is short of the summary's counts by nature: not a disagreement.
    expect(
      crossCheck('partial', { ...allOk, ok: 1, notYetSeen: 2 }, summary).disagreement,
    ).toBeUndefined();
    // But a failure the summary counted cannot hide among skipped units the transcript shows.
    const hidden = crossCheck('partial', { ...allOk, ok: 2, skipped: 1 }, summary);
    expect(hidden.status).toBe('failed');
    expect(hidden.disagreement).toContain('1 failed');
  });
});

describe('runs', () => {
  it('start at each download; the first deployed run is the record', () => {
    const runs = splitRuns(
      units,
      [
        attempt(1, 'download', 0, 10),
        attempt(2, 'step', 1, 11),
        attempt(1, 'download', 0, 20),
        attempt(2, 'step', 0, 21),
        attempt(3, 'verify-cmd', 0, 22),
        attempt(1, 'download', 0, 30),
        attempt(2, 'step', 0, 31),
        attempt(3, 'verify-cmd', 0, 32),
      ],
      [],
    );
    expect(runs.map((r) => [r.number, r.start, r.status])).toEqual([
      [1, 10, 'failed'],
      [2, 20, 'deployed'],
      [3, 30, 'deployed'],
    ]);
    expect(primaryRun(runs).number).toBe(2);
  });
  it('keep a download pasted twice (the same begin time) as one run, and a run split over pastes whole', () => {
    const runs = splitRuns(
      units,
      [attempt(1, 'download', 0, 10), attempt(1, 'download', 0, 10), attempt(2, 'step', 0, 11)],
      [],
    );
    expect(runs).toHaveLength(1);
    expect(primaryRun(runs).status).toBe('partial');
  });
  it('leave out a paste in which every unit was skipped: no run, on the record as one that ran nothing', () => {
    // airgap_run without helpers: each unit between its markers, skipped (notes/s8/note-n8b.md).
    const skipped = (n: number, kind: Unit['kind'], at: number) =>
      ({ ...attempt(n, kind, 0, at), skipped: true }) as SpooledAttempt;
    const idle = (at: number) => [
      skipped(1, 'download', at),
      skipped(2, 'step', at + 1),
      skipped(3, 'verify-cmd', at + 2),
    ];
    const deployedRun = (at: number) => [
      attempt(1, 'download', 0, at),
      attempt(2, 'step', 0, at + 1),
      attempt(3, 'verify-cmd', 0, at + 2),
    ];
    // Deployed, then its blocks pasted again into a shell without the helpers.
    const after = splitPastes(units, [...deployedRun(10), ...idle(20)], []);
    expect(after.runs.map((r) => [r.number, r.start, r.status])).toEqual([[1, 10, 'deployed']]);
    expect(after.ranNothing.map((r) => [r.start, r.counts.skipped])).toEqual([[20, 3]]);
    // Before a run, too: the runs are numbered without it.
    const before = splitPastes(units, [...idle(5), ...deployedRun(10), ...deployedRun(30)], []);
    expect(before.runs.map((r) => [r.number, r.start])).toEqual([
      [1, 10],
      [2, 30],
    ]);
    expect(before.ranNothing.map((r) => r.start)).toEqual([5]);
    expect(primaryRun(before.runs).number).toBe(1);
    // A paste that ran something and then skipped the rest (a failure earlier) is a run.
    const failedRun = [
      attempt(1, 'download', 0, 40),
      attempt(2, 'step', 1, 41),
      skipped(3, 'verify-cmd', 42),
    ];
    expect(splitPastes(units, failedRun, []).runs.map((r) => r.status)).toEqual(['failed']);
    // Nothing ran at all: the latest paste is the one run, and the record shows its skips.
    const none = splitPastes(units, [...idle(5), ...idle(50)], []);
    expect(none.runs.map((r) => [r.number, r.start, r.counts.skipped])).toEqual([[1, 50, 3]]);
    expect(none.ranNothing.map((r) => r.start)).toEqual([5]);
  });
});
