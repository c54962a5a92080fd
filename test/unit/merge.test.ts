import { describe, expect, it } from 'vitest';
import { bundleStatus, mergeAttempts } from '../../src/ingest/merge.js';
import type { SpooledAttempt } from '../../src/ingest/spool.js';
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
    sha: string,
    complete = true,
  ): SpooledAttempt =>
    ({
      bundleId: id,
      n,
      kind,
      seq: 0,
      beginEpoch: 1,
      complete,
      rc,
      lineCount: 0,
      longestBackticks: 0,
      transcript: 0,
      outputPath: '',
      outputSha256: sha,
      masked: 0,
    }) as SpooledAttempt;

  it('collapses the same block pasted twice', () => {
    const results = mergeAttempts(
      units,
      [attempt(1, 'download', 0, 'a'), attempt(1, 'download', 0, 'a'), attempt(2, 'step', 0, 'b')],
      [],
    );
    expect(results[0]?.earlier).toEqual([]);
    expect(bundleStatus(results)).toBe('deployed');
  });
  it('keeps a failed first try as history when the retry succeeds', () => {
    const results = mergeAttempts(
      units,
      [attempt(1, 'download', 0, 'a'), attempt(2, 'step', 1, 'fail'), attempt(2, 'step', 0, 'ok')],
      [],
    );
    expect(results[1]?.status).toBe('ok');
    expect(results[1]?.earlier.map((a) => a.rc)).toEqual([1]);
  });
  it('is partial when a block never finished, failed when one failed', () => {
    expect(
      bundleStatus(
        mergeAttempts(
          units,
          [attempt(1, 'download', 0, 'a'), attempt(2, 'step', undefined, 'b', false)],
          [],
        ),
      ),
    ).toBe('partial');
    expect(
      bundleStatus(
        mergeAttempts(units, [attempt(1, 'download', 0, 'a'), attempt(2, 'step', 2, 'b')], []),
      ),
    ).toBe('failed');
    expect(bundleStatus(mergeAttempts(units, [], []))).toBeUndefined();
  });
});
