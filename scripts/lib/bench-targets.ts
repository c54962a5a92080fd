/**
 * The bench's judge: issue 28's targets as a table, their verdicts on measured figures, and the
 * bench/results.md text. Pure functions only; timing happens in scripts/bench.ts.
 */

/** One benchmark: medians of airgap and of the baseline command, run alternately in one process. */
export interface Measurement {
  id: string;
  label: string;
  /** The command airgap is compared with, as a user would type it. */
  baselineCommand: string;
  airgapSeconds: number;
  baselineSeconds: number;
  /** Peak RSS of the largest process of any airgap run (GNU time %M). */
  airgapRssMiB: number;
  baselineRssMiB: number;
  /**
   * Peak of the summed RSS of the whole process tree (node, its git children, gzip…) of any
   * run: /proc sampled every 50 ms (scripts/lib/tree-time.ts), at least the largest process.
   */
  airgapTreeRssMiB?: number;
  baselineTreeRssMiB?: number;
  /** Median user + system CPU seconds of the whole tree (GNU time): load stretches it less. */
  airgapCpuSeconds?: number;
  baselineCpuSeconds?: number;
  runs: number;
  /** One-minute load average when the measurement ended: other work stretches every figure. */
  load?: number;
  /** The committed tree packed: its size and gzip -6's ratio on it (why a ratio moves). */
  input?: { mib: number; gzipRatio: number };
}

export type TargetCheck =
  /** airgap / baseline ≤ limit. */
  | 'ratio'
  /** airgap − baseline ≤ limit seconds. */
  | 'extraSeconds'
  /** airgap's peak RSS (largest process) < limit MiB. */
  | 'rssMiB'
  /** airgap's peak RSS, its whole process tree summed, < limit MiB. */
  | 'treeRssMiB';

export interface Target {
  measurement: string;
  check: TargetCheck;
  limit: number;
  title: string;
}

/** Issue 28's targets (issue 17's, tightened, and inputs it did not choose), in the order printed. */
export const TARGETS: readonly Target[] = [
  { measurement: 'bundle-fresh', check: 'ratio', limit: 1.2, title: 'bundle, fresh clone' },
  { measurement: 'bundle-warm', check: 'ratio', limit: 1.0, title: 'bundle, warm scan cache' },
  {
    measurement: 'repetitive-fresh',
    check: 'ratio',
    limit: 1.2,
    title: 'repetitive YAML, fresh clone',
  },
  { measurement: 'repetitive-warm', check: 'ratio', limit: 1.0, title: 'repetitive YAML, warm' },
  { measurement: 'small-bundle', check: 'extraSeconds', limit: 0.3, title: 'small repo bundle' },
  { measurement: 'small-rerun', check: 'extraSeconds', limit: 0.1, title: 'small repo rerun' },
  { measurement: 'start-version', check: 'extraSeconds', limit: 0.05, title: 'airgap --version' },
  { measurement: 'start-help', check: 'extraSeconds', limit: 0.15, title: 'airgap --help' },
  { measurement: 'ingest-200', check: 'ratio', limit: 2.5, title: 'ingest 200 MB, redaction on' },
  { measurement: 'ingest-200', check: 'rssMiB', limit: 200, title: 'ingest 200 MB, peak RSS' },
  { measurement: 'bundle-50000', check: 'ratio', limit: 1.3, title: 'bundle 50,000 files' },
  {
    measurement: 'bundle-1gb',
    check: 'treeRssMiB',
    limit: 300,
    title: 'bundle one 1 GB file, tree RSS',
  },
];

export interface Verdict {
  target: Target;
  /** Undefined when the measurement was not run (--quick, --only). */
  value: number | undefined;
  met: boolean | undefined;
  text: string;
}

/** `60.0 MiB`, or `14 KiB` for the small repo's dozen files. */
export function sizeText(mib: number): string {
  return mib < 1 ? `${(mib * 1024).toFixed(0)} KiB` : `${mib.toFixed(1)} MiB`;
}

export function ratio(m: Measurement): number {
  return m.baselineSeconds > 0 ? m.airgapSeconds / m.baselineSeconds : Number.POSITIVE_INFINITY;
}

function measuredValue(check: TargetCheck, m: Measurement): number {
  if (check === 'ratio') return ratio(m);
  if (check === 'extraSeconds') return m.airgapSeconds - m.baselineSeconds;
  if (check === 'treeRssMiB') return m.airgapTreeRssMiB ?? Number.POSITIVE_INFINITY;
  return m.airgapRssMiB;
}

function format(check: TargetCheck, value: number): string {
  if (check === 'ratio') return `${value.toFixed(2)}×`;
  if (check === 'extraSeconds') return `+${value.toFixed(3)} s`;
  return `${value.toFixed(0)} MiB`;
}

const limitText = (t: Target) =>
  t.check === 'ratio'
    ? `≤ ${t.limit.toFixed(1)}×`
    : t.check === 'extraSeconds'
      ? `≤ +${t.limit} s`
      : `< ${t.limit} MiB`;

export function judge(targets: readonly Target[], measurements: readonly Measurement[]): Verdict[] {
  return targets.map((target) => {
    const m = measurements.find((x) => x.id === target.measurement);
    if (!m) return { target, value: undefined, met: undefined, text: 'not run' };
    const value = measuredValue(target.check, m);
    const met =
      target.check === 'rssMiB' || target.check === 'treeRssMiB'
        ? value < target.limit
        : value <= target.limit + 1e-9;
    return { target, value, met, text: `${format(target.check, value)} ${met ? 'met' : 'MISSED'}` };
  });
}

/** One line per target for the terminal: `✓ bundle, fresh clone  1.13× (≤ 1.2×)`. */
export function verdictLines(verdicts: readonly Verdict[]): string[] {
  const width = Math.max(...verdicts.map((v) => v.target.title.length));
  return verdicts.map((v) => {
    const mark = v.met === undefined ? '-' : v.met ? '✓' : '✗';
    const value = v.value === undefined ? 'not run' : format(v.target.check, v.value);
    return `${mark} ${v.target.title.padEnd(width)}  ${value} (target ${limitText(v.target)})`;
  });
}

export interface ProfileEntry {
  name: string;
  /** Share of the profiled thread's samples, 0..1. */
  share: number;
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time by function from a V8 `--cpu-prof` profile, largest first: what a thread spent its
 * time on. `(idle)` is the main thread waiting (on git, on zlib's thread pool, on the disk).
 */
export function summarizeProfile(
  profile: CpuProfile,
  top = 6,
  by: 'function' | 'area' = 'function',
): ProfileEntry[] {
  const names = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').at(-1) ?? '';
    names.set(
      node.id,
      by === 'area'
        ? areaOf(url, functionName)
        : file
          ? `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`
          : functionName,
    );
  }
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = Math.max(0, profile.timeDeltas[i] ?? 0);
    const name = names.get(id) ?? '(unknown)';
    self.set(name, (self.get(name) ?? 0) + delta);
    total += delta;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, time]) => ({ name, share: total ? time / total : 0 }));
}

/** A package, a Node subsystem or an airgap module: `js-yaml`, `node:zlib`, `src/bundle/x.js`. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:internal/')) return `node:${url.slice(14).split('/')[0]}`;
  if (url.startsWith('node:')) return url;
  const own = /\/(src|scripts)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : (url.split('/').at(-1) ?? url);
}

export interface ThreadProfile {
  thread: string;
  areas: ProfileEntry[];
  functions: ProfileEntry[];
}

export interface ResultsInput {
  date: string;
  machine: string;
  runs: number;
  measurements: readonly Measurement[];
  verdicts: readonly Verdict[];
  /** For each missed target: the profiles of one extra airgap run, per thread. */
  bounds: ReadonlyArray<{ title: string; threads: readonly ThreadProfile[] }>;
  notes: readonly string[];
}

const cpuText = (s: number | undefined) => (s === undefined ? '-' : s.toFixed(2));
const treeText = (mib: number | undefined) => (mib === undefined ? '-' : `${mib.toFixed(0)} MiB`);

/** bench/results.md: machine, date, the target verdicts, every figure with its baseline command. */
export function renderResults(input: ResultsInput): string {
  const commands = [...new Set(input.measurements.map((m) => m.baselineCommand))];
  const lines = [
    '# Benchmark results',
    '',
    `${input.date}, ${input.machine}. Median of ${input.runs} runs, airgap and baseline alternating in one process; ratio = airgap / baseline (lower is better). Peak RSS: of the largest single process (GNU time %M); tree RSS: of the whole process tree (airgap with its git and other children, or the whole baseline pipeline): the RSS in /proc/<pid>/stat of every descendant, summed, sampled every 50 ms by scripts/lib/tree-time.ts, never less than the largest process. CPU: user + system seconds of the whole tree (GNU time %U + %S), median; it moves less with the load than wall time does.`,
    '',
    '## Targets (issue 28)',
    '',
    '| target | limit | measured | verdict |',
    '|---|---|---|---|',
    ...input.verdicts.map(
      (v) =>
        `| ${v.target.title} | ${limitText(v.target)} | ${v.value === undefined ? '-' : format(v.target.check, v.value)} | ${v.met === undefined ? 'not run' : v.met ? 'met' : '**missed**'} |`,
    ),
    '',
    '## Figures',
    '',
    '| benchmark | airgap (s) | baseline (s) | ratio | airgap peak RSS | baseline peak RSS | baseline | input, gzip -6 ratio | load | airgap tree RSS | baseline tree RSS | airgap CPU (s) | baseline CPU (s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...input.measurements.map(
      (m) =>
        `| ${m.label} | ${m.airgapSeconds.toFixed(3)} | ${m.baselineSeconds.toFixed(3)} | **${ratio(m).toFixed(2)}** | ${m.airgapRssMiB.toFixed(0)} MiB | ${m.baselineRssMiB.toFixed(0)} MiB | ${commands.indexOf(m.baselineCommand) + 1} | ${m.input ? `${sizeText(m.input.mib)}, ${m.input.gzipRatio.toFixed(1)}:1` : '-'} | ${m.load === undefined ? '-' : m.load.toFixed(1)} | ${treeText(m.airgapTreeRssMiB)} | ${treeText(m.baselineTreeRssMiB)} | ${cpuText(m.airgapCpuSeconds)} | ${cpuText(m.baselineCpuSeconds)} |`,
    ),
    '',
    'Baseline commands:',
    '',
    ...commands.map((c, i) => `${i + 1}. \`${c}\``),
  ];
  if (input.bounds.length) {
    lines.push('', '## What bounds the missed targets (self time, `node --cpu-prof`)', '');
    for (const bound of input.bounds) {
      lines.push(`${bound.title}:`, '');
      const shares = (entries: ProfileEntry[]) =>
        entries.map((e) => `${e.name} ${(e.share * 100).toFixed(0)}%`).join(', ');
      for (const t of bound.threads)
        lines.push(
          `- ${t.thread}, by area: ${shares(t.areas)}; hottest functions: ${shares(t.functions)}`,
        );
      lines.push('');
    }
  }
  if (input.notes.length) lines.push('', ...input.notes.map((n) => `- ${n}`));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
