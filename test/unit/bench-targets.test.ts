import { describe, expect, it } from 'vitest';
import {
  judge,
  type Measurement,
  renderResults,
  summarizeProfile,
  TARGETS,
  type Target,
  verdictLines,
} from '../../scripts/lib/bench-targets.js';

const measured = (id: string, airgap: number, baseline: number, rss = 100): Measurement => ({
  id,
  label: id,
  baselineCommand: `baseline of ${id}`,
  airgapSeconds: airgap,
  baselineSeconds: baseline,
  airgapRssMiB: rss,
  baselineRssMiB: 5,
  runs: 3,
});

describe('judge', () => {
  it('checks ratios, extra seconds and peak RSS against their limits', () => {
    const targets: Target[] = [
      { measurement: 'a', check: 'ratio', limit: 1.2, title: 'ratio met' },
      { measurement: 'b', check: 'ratio', limit: 1.2, title: 'ratio missed' },
      { measurement: 'c', check: 'extraSeconds', limit: 0.15, title: 'start met' },
      { measurement: 'd', check: 'extraSeconds', limit: 0.15, title: 'start missed' },
      { measurement: 'a', check: 'rssMiB', limit: 200, title: 'rss met' },
      { measurement: 'e', check: 'rssMiB', limit: 200, title: 'rss missed' },
      { measurement: 'z', check: 'ratio', limit: 1, title: 'not run' },
    ];
    const verdicts = judge(targets, [
      measured('a', 1.2, 1),
      measured('b', 1.3, 1),
      measured('c', 0.19, 0.05),
      measured('d', 0.35, 0.05),
      measured('e', 1, 1, 200),
    ]);
    expect(verdicts.map((v) => [v.target.title, v.met])).toEqual([
      ['ratio met', true],
      ['ratio missed', false],
      ['start met', true],
      ['start missed', false],
      ['rss met', true],
      ['rss missed', false],
      ['not run', undefined],
    ]);
    expect(verdicts[1]!.text).toBe('1.30× MISSED');
    expect(verdicts[3]!.text).toBe('+0.300 s MISSED');
    expect(verdictLines(verdicts)[0]).toMatch(/^✓ ratio met +1\.20× \(target ≤ 1\.2×\)$/);
    expect(verdictLines(verdicts)[6]).toMatch(/^- not run +not run/);
  });

  it('judges tree RSS on the summed tree, never on the largest process', () => {
    const targets: Target[] = [
      { measurement: 'a', check: 'treeRssMiB', limit: 300, title: 'tree met' },
      { measurement: 'b', check: 'treeRssMiB', limit: 300, title: 'tree missed' },
      { measurement: 'c', check: 'treeRssMiB', limit: 300, title: 'tree not sampled' },
    ];
    const verdicts = judge(targets, [
      { ...measured('a', 1, 1, 250), airgapTreeRssMiB: 290 },
      // Each process under the limit, the tree over it: missed.
      { ...measured('b', 1, 1, 250), airgapTreeRssMiB: 310 },
      measured('c', 1, 1, 250),
    ]);
    expect(verdicts.map((v) => [v.text, v.met])).toEqual([
      ['290 MiB met', true],
      ['310 MiB MISSED', false],
      ['Infinity MiB MISSED', false],
    ]);
  });

  it('names every target of issue 28', () => {
    expect(TARGETS.map((t) => `${t.measurement} ${t.check} ${t.limit}`)).toEqual([
      'bundle-fresh ratio 1.2',
      'bundle-warm ratio 1',
      'repetitive-fresh ratio 1.2',
      'repetitive-warm ratio 1',
      'small-bundle extraSeconds 0.3',
      'small-rerun extraSeconds 0.1',
      'start-version extraSeconds 0.05',
      'start-help extraSeconds 0.15',
      'ingest-200 ratio 2.5',
      'ingest-200 rssMiB 200',
      'bundle-50000 ratio 1.3',
      // The whole process tree (airgap, git cat-file, …), not its largest process (issue 28).
      'bundle-1gb treeRssMiB 300',
    ]);
  });
});

describe('renderResults', () => {
  it('writes the machine, date, verdicts, figures with numbered baseline commands and bounds', () => {
    const measurements = [
      {
        ...measured('bundle-fresh', 2.4, 2),
        load: 3.25,
        input: { mib: 60.04, gzipRatio: 1.46 },
        airgapTreeRssMiB: 140.2,
        baselineTreeRssMiB: 7,
        airgapCpuSeconds: 2.104,
        baselineCpuSeconds: 0.9,
      },
      measured('start-version', 0.09, 0.05),
    ];
    const text = renderResults({
      date: '2026-11-26 10:00 UTC',
      machine: '2 × cpu',
      runs: 3,
      measurements,
      verdicts: judge(TARGETS, measurements),
      bounds: [
        {
          title: 'bundle, fresh clone',
          threads: [
            {
              thread: 'main thread',
              areas: [{ name: 'node:zlib', share: 0.5 }],
              functions: [{ name: 'deflate', share: 0.25 }],
            },
          ],
        },
      ],
      notes: ['noisy machine'],
    });
    expect(text).toContain('2026-11-26 10:00 UTC, 2 × cpu. Median of 3 runs');
    expect(text).toContain('| bundle, fresh clone | ≤ 1.2× | 1.20× | met |');
    expect(text).toContain('| airgap --version | ≤ +0.05 s | +0.040 s | met |');
    expect(text).toContain('| bundle, warm scan cache | ≤ 1.0× | - | not run |');
    expect(text).toContain(
      '| bundle-fresh | 2.400 | 2.000 | **1.20** | 100 MiB | 5 MiB | 1 | 60.0 MiB, 1.5:1 | 3.3 |',
    );
    expect(text).toContain('| 60.0 MiB, 1.5:1 | 3.3 | 140 MiB | 7 MiB | 2.10 | 0.90 |');
    expect(text).toContain(
      '| start-version | 0.090 | 0.050 | **1.80** | 100 MiB | 5 MiB | 2 | - | - |',
    );
    expect(text).toContain('2. `baseline of start-version`');
    expect(text).toContain('tree RSS: of the whole process tree');
    expect(text).toContain('- main thread, by area: node:zlib 50%; hottest functions: deflate 25%');
    expect(text).toContain('- noisy machine');
    expect(text).not.toMatch(/\n\n\n/);
  });
});

describe('summarizeProfile', () => {
  it('adds self time per function and ranks it', () => {
    const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 9 });
    const top = summarizeProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('scan', 'file:///x/dist/src/bundle/file-scanner.js') },
        { id: 3, callFrame: frame('(idle)') },
        { id: 4, callFrame: frame('', 'file:///x/a.js') },
      ],
      samples: [2, 3, 2, 4, 2],
      timeDeltas: [10, 20, 10, 20, 40],
    });
    expect(top).toEqual([
      { name: 'scan file-scanner.js:10', share: 0.6 },
      { name: '(idle)', share: 0.2 },
      { name: '(anonymous) a.js:10', share: 0.2 },
    ]);
  });

  it('groups self time by package, Node subsystem or airgap module', () => {
    const frame = (url: string) => ({ functionName: 'f', url, lineNumber: 0 });
    const top = summarizeProfile(
      {
        nodes: [
          { id: 1, callFrame: frame('file:///x/node_modules/js-yaml/dist/js-yaml.mjs') },
          { id: 2, callFrame: frame('node:internal/modules/esm/loader') },
          { id: 3, callFrame: frame('file:///x/dist/src/bundle/tar-writer.js') },
          { id: 4, callFrame: frame('node:zlib') },
        ],
        samples: [1, 1, 2, 3, 4],
        timeDeltas: [30, 30, 20, 10, 10],
      },
      6,
      'area',
    );
    expect(top.map((e) => e.name)).toEqual([
      'js-yaml',
      'node:modules',
      'src/bundle/tar-writer.js',
      'node:zlib',
    ]);
  });
});
