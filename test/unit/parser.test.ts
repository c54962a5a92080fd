import { describe, expect, it } from 'vitest';
import { bundleStatus, mergeAttempts } from '../../src/ingest/merge.js';
import { type ParseEvent, TranscriptParser } from '../../src/ingest/parser.js';
import type { SpooledAttempt } from '../../src/ingest/spool.js';
import { cleanTerminalLine } from '../../src/ingest/terminal.js';
import { formatMarker, parseMarker } from '../../src/model/markers.js';
import type { Unit } from '../../src/model/record.js';

const id = 'dev-topics-3f2a1c9';
const begin = (n: number, kind = 'step', t = 1770973200) =>
  `@@airgap/1 begin ${id} ${n} ${kind} ${t}`;
const end = (n: number, rc: number | 'skip', kind = 'step', t = 1770973201) =>
  `@@airgap/1 end ${id} ${n} ${kind} ${rc === 'skip' ? 'skip' : `rc=${rc}`} ${t}`;

function parse(text: string) {
  const parser = new TranscriptParser();
  const events: ParseEvent[] = [];
  for (const raw of text.split('\n')) parser.push(cleanTerminalLine(raw), (e) => events.push(e));
  parser.finish((e) => events.push(e));
  const output = new Map<number, string[]>();
  const other: string[] = [];
  for (const e of events) {
    if (e.type === 'output') {
      const list = output.get(e.attempt.seq) ?? [];
      list.push(e.text);
      output.set(e.attempt.seq, list);
    }
    if (e.type === 'other') other.push(e.text);
  }
  return { attempts: parser.attempts, output, other };
}

describe('marker lines', () => {
  it('round-trip and stay under 80 columns for the longest bundle id', () => {
    const longest = `${'a'.repeat(24)}-1234567`;
    const marker = {
      type: 'end' as const,
      bundleId: longest,
      n: 99,
      kind: 'verify-cmd' as const,
      rc: 255,
      epoch: 1770973200,
    };
    const line = formatMarker(marker);
    expect(line.length).toBeLessThan(80);
    expect(parseMarker(line)).toEqual(marker);
  });
  it.each([
    ['an echoed printf format', 'printf \'@@airgap/1 begin %s %s %s %s\\n\' "$AIRGAP_ID"'],
    ['another version', '@@airgap/2 begin x-1234567 1 step 1770973200'],
    ['an end marker without status', `@@airgap/1 end ${id} 1 step 1770973200`],
  ])('ignores %s', (_label, line) => {
    expect(parseMarker(line)).toBeUndefined();
  });
  it('finds a marker after a prompt and before trailing spaces', () => {
    expect(parseMarker(`[ec2-user@ip-10-0-1-23 ~]$ ${begin(4)}   `)?.n).toBe(4);
  });
});

describe('TranscriptParser', () => {
  it('splits output by unit, reads the context line, keeps everything else', () => {
    const { attempts, output, other } = parse(
      [
        `[ec2-user@ip ~]$ airgap_run 4 step 0 'kubectl apply -f a.yaml'`,
        begin(4),
        '[2026-02-13T09:00:00Z ip-10-0-1-23] $ kubectl apply -f a.yaml',
        'kafkatopic.kafka.strimzi.io/a created',
        end(4, 0),
        'typed by hand',
      ].join('\r\n'),
    );
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      n: 4,
      kind: 'step',
      rc: 0,
      complete: true,
      host: 'ip-10-0-1-23',
      utc: '2026-02-13T09:00:00Z',
      commandEcho: 'kubectl apply -f a.yaml',
    });
    expect(output.get(0)).toEqual(['kafkatopic.kafka.strimzi.io/a created']);
    expect(other).toEqual([
      `[ec2-user@ip ~]$ airgap_run 4 step 0 'kubectl apply -f a.yaml'`,
      'typed by hand',
    ]);
  });

  it('marks a block cut off mid-paste as incomplete', () => {
    const { attempts } = parse([begin(4), 'partial output', begin(5), 'more'].join('\n'));
    expect(attempts.map((a) => [a.n, a.complete])).toEqual([
      [4, false],
      [5, false],
    ]);
  });

  it('reads a skipped step and tracks backtick runs for fencing', () => {
    const { attempts } = parse(
      [begin(5), 'output with ```` four ticks', end(5, 'skip')].join('\n'),
    );
    expect(attempts[0]).toMatchObject({ skipped: true, longestBackticks: 4 });
  });

  it('keeps a 1 MB line whole', () => {
    const long = 'x'.repeat(1024 * 1024);
    const { output } = parse([begin(4), long, end(4, 0)].join('\n'));
    expect(output.get(0)?.[0]).toHaveLength(1024 * 1024);
  });

  it('keeps 100,000 lines as 100,000 lines', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i}`);
    const { output } = parse([begin(4), ...lines, end(4, 0)].join('\n'));
    expect(output.get(0)).toHaveLength(100_000);
    expect(output.get(0)?.[99_999]).toBe('line 99999');
  });
});

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
