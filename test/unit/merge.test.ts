import { describe, expect, it } from 'vitest';
import { bundleStatus, distinctExecutions, mergeAttempts } from '../../src/ingest/outcome/merge.js';
import type { SpooledAttempt } from '../../src/ingest/parse/spool.js';
import type { Unit } from '../../src/model/record.js';

const id = 'dev-topics-3f2a1c9';
describe('mergeAttempts', () => {
  const units: Unit[] = [
    { n: 1, kind: 'download', name: 'd' },
    { n: 2, kind: 'step', name: 's', command: 'x' },
    { n: 3, kind: 'summary', name: 'summary' },
  ];
  const attempt = (
    n: number,
    kind: Unit['kind'],
    rc: number | undefined,
    beginEpoch: number,
    more: Partial<SpooledAttempt> = {},
  ): SpooledAttempt => ({
    bundleId: id,
    n,
    kind,
    seq: 0,
    beginEpoch,
    complete: rc !== undefined,
    ...(rc === undefined ? {} : { rc }),
    nonce: 'abcdef12',
    lineCount: 0,
    foreignMarkers: 0,
    longestBackticks: 0,
    transcript: 0,
    outputPath: '',
    outputStart: 0,
    outputEnd: 0,
    masked: 0,
    ...more,
  });

  it('keeps two copies of one execution (same nonce, same begin) as one, the longer copy', () => {
    const half = attempt(2, 'step', undefined, 5, { lineCount: 3 });
    const whole = attempt(2, 'step', 1, 5, { lineCount: 9, transcript: 1 });
    const results = mergeAttempts(units, [attempt(1, 'download', 0, 1), half, whole], []);
    expect(results[1]?.final).toBe(whole);
    expect(results[1]?.earlier).toEqual([]);
    expect(bundleStatus(results)).toBe('failed');
    // Of two complete copies, the one with more lines.
    const longer = attempt(2, 'step', 1, 5, { lineCount: 12, transcript: 2 });
    expect(distinctExecutions([whole, longer])).toEqual([longer]);
  });
  it('keeps the same block pasted twice as two attempts, the later deciding', () => {
    const first = attempt(2, 'step', 1, 5);
    const second = attempt(2, 'step', 0, 9);
    const results = mergeAttempts(units, [attempt(1, 'download', 0, 1), second, first], []);
    expect(results[1]?.status).toBe('ok');
    expect(results[1]?.final).toBe(second);
    expect(results[1]?.earlier).toEqual([first]);
    // The same second in another paste session (another nonce) is another execution.
    const other = attempt(2, 'step', 0, 5, { nonce: '0000ffff' });
    expect(distinctExecutions([first, other])).toHaveLength(2);
  });
  it('keeps a retry pasted in the same shell and the same second as a second attempt', () => {
    // A quick machine: the failure and its retry both begin at second 5 with one nonce.
    const failure = attempt(2, 'step', 1, 5, { seq: 1, lineCount: 4 });
    const retry = attempt(2, 'step', 0, 5, { seq: 4, lineCount: 1 });
    const results = mergeAttempts(units, [attempt(1, 'download', 0, 1), retry, failure], []);
    expect(results[1]?.status).toBe('ok');
    expect(results[1]?.final).toBe(retry);
    expect(results[1]?.earlier).toEqual([failure]);
    // Half a copy (the failure alone), then the whole: still two attempts, not three.
    const half = attempt(2, 'step', 1, 5, { seq: 1, lineCount: 2, transcript: 1 });
    expect(distinctExecutions([failure, retry, half])).toEqual([failure, retry]);
  });
  it('lets the latest attempt decide, even when it failed after a success', () => {
    const results = mergeAttempts(
      units,
      [attempt(1, 'download', 0, 1), attempt(2, 'step', 0, 5), attempt(2, 'step', 2, 9)],
      [],
    );
    expect(results[1]?.status).toBe('failed');
    expect(results[1]?.earlier.map((a) => a.rc)).toEqual([0]);
  });
  it('orders two shells of one second by shell, whichever paste file sorts first', () => {
    // A shell where nothing ran (every unit skipped at second 5), then a whole paste into a
    // new shell that began in the same second. Kept pastes are named by second and digest,
    // so the later paste can be transcript 0.
    const skipped = (n: number, kind: Unit['kind'], seq: number) =>
      attempt(n, kind, 0, 5, { skipped: true, endEpoch: 5, seq, transcript: 1, nonce: 'aaaa' });
    const ran = (n: number, kind: Unit['kind'], seq: number, at: number) =>
      attempt(n, kind, 0, at, { endEpoch: at, seq, transcript: 0, nonce: 'bbbb' });
    const attempts = [
      skipped(1, 'download', 0),
      skipped(2, 'step', 1),
      skipped(3, 'summary', 2),
      ran(1, 'download', 0, 5),
      ran(2, 'step', 1, 6),
      ran(3, 'summary', 2, 6),
    ];
    const results = mergeAttempts(units, attempts, []);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(bundleStatus(results)).toBe('deployed');
    expect(distinctExecutions(attempts).map((a) => a.nonce)).toEqual([
      'aaaa',
      'aaaa',
      'aaaa',
      'bbbb',
      'bbbb',
      'bbbb',
    ]);
  });
  it('orders shell A, then B, then A again in the second B ended: B first', () => {
    // A failed; a whole paste into a new shell B deployed, its summary began at second 300;
    // in that same second A's whole paste again began (its download). Splitting runs at
    // downloads, B's summary belongs to B's run, not to A's next.
    const a = { nonce: 'aaaa', transcript: 0 };
    const b = { nonce: 'bbbb', transcript: 1 };
    const a2 = { nonce: 'aaaa', transcript: 2 };
    const attempts = [
      attempt(1, 'download', 0, 100, { ...a, seq: 0 }),
      attempt(2, 'step', 1, 101, { ...a, seq: 1 }),
      attempt(3, 'summary', 0, 102, { ...a, seq: 2 }),
      attempt(1, 'download', 0, 200, { ...b, seq: 0 }),
      attempt(2, 'step', 0, 201, { ...b, seq: 1 }),
      attempt(3, 'summary', 0, 300, { ...b, seq: 2 }),
      attempt(1, 'download', 0, 300, { ...a2, seq: 0 }),
      attempt(2, 'step', 0, 301, { ...a2, seq: 1 }),
      attempt(3, 'summary', 0, 302, { ...a2, seq: 2 }),
    ];
    const at300 = distinctExecutions(attempts).filter((x) => x.beginEpoch === 300);
    expect(at300.map((x) => `${x.nonce}:${x.kind}`)).toEqual(['bbbb:summary', 'aaaa:download']);
  });
  it('is partial when a block never finished, failed when one failed', () => {
    expect(
      bundleStatus(
        mergeAttempts(units, [attempt(1, 'download', 0, 1), attempt(2, 'step', undefined, 2)], []),
      ),
    ).toBe('partial');
    expect(
      bundleStatus(
        mergeAttempts(units, [attempt(1, 'download', 0, 1), attempt(2, 'step', 2, 2)], []),
      ),
    ).toBe('failed');
    expect(bundleStatus(mergeAttempts(units, [], []))).toBeUndefined();
  });
});
