/**
 * How `npm run bench` times things: one shell command under GNU time, airgap and its baseline
 * alternating in one process, medians, the load average beside every figure, and one extra
 * airgap run kept per measurement for profiling a miss.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Measurement,
  ratio,
  sizeText,
  summarizeProfile,
  type ThreadProfile,
  type Verdict,
} from './bench-targets.js';

export interface Timed {
  seconds: number;
  /** Peak RSS of the largest single process (GNU time %M). */
  rssMiB: number;
  /** Peak of the summed RSS of the whole process tree (tree-time.ts: /proc sampled every 50 ms). */
  treeMiB: number;
  /** User + system CPU of the command and its descendants (GNU time %U + %S). */
  cpuSeconds: number;
}

const TREE_TIME = fileURLToPath(new URL('./tree-time.js', import.meta.url));

/**
 * Runs a shell command under GNU time, inside tree-time.ts: wall time from spawn to exit, the
 * peak RSS of its largest process and that of its whole process tree.
 */
export function timed(command: string, cwd: string, env: NodeJS.ProcessEnv): Timed {
  const result = spawnSync('node', [TREE_TIME, command], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.slice(-2000)}`);
  const [tag, seconds, largestKiB, treeKiB, cpu] = (
    result.stderr.trim().split('\n').at(-1) ?? ''
  ).split(' ');
  if (tag !== 'tree-time') throw new Error(`${command}: no tree-time line in ${result.stderr}`);
  return {
    seconds: Number(seconds),
    rssMiB: Number(largestKiB) / 1024,
    treeMiB: Number(treeKiB) / 1024,
    cpuSeconds: Number(cpu),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export interface CompareSpec {
  id: string;
  label: string;
  baselineCommand: string;
  cwd: string;
  airgap: (node: string) => string;
  baseline: string;
  /** Runs untimed before each airgap run (and before the profiled one). */
  prepare?: () => void;
  runs?: number;
  input?: Measurement['input'];
}

export class BenchRun {
  readonly measurements: Measurement[] = [];
  readonly notes: string[] = [];
  /** One more airgap run of a measurement with the given node command, for profiling a miss. */
  readonly profilers = new Map<string, (node: string) => void>();

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    /** `node`, or `node --cpu-prof …` to profile every run. */
    readonly node: string,
    readonly runs: number,
  ) {}

  timed(command: string, cwd: string): Timed {
    return timed(command, cwd, this.env);
  }

  summarize(
    spec: Pick<CompareSpec, 'id' | 'label' | 'baselineCommand' | 'input'>,
    ours: Timed[],
    theirs: Timed[],
  ): Measurement {
    const m: Measurement = {
      id: spec.id,
      label: spec.label,
      baselineCommand: spec.baselineCommand,
      airgapSeconds: median(ours.map((t) => t.seconds)),
      baselineSeconds: median(theirs.map((t) => t.seconds)),
      airgapRssMiB: Math.max(...ours.map((t) => t.rssMiB)),
      baselineRssMiB: Math.max(...theirs.map((t) => t.rssMiB)),
      airgapTreeRssMiB: Math.max(...ours.map((t) => t.treeMiB)),
      baselineTreeRssMiB: Math.max(...theirs.map((t) => t.treeMiB)),
      airgapCpuSeconds: median(ours.map((t) => t.cpuSeconds)),
      baselineCpuSeconds: median(theirs.map((t) => t.cpuSeconds)),
      runs: ours.length,
      load: loadavg()[0] ?? 0,
      ...(spec.input ? { input: spec.input } : {}),
    };
    const load = m.load ?? 0;
    const input = m.input
      ? `, input ${sizeText(m.input.mib)} gzip ${m.input.gzipRatio.toFixed(1)}:1`
      : '';
    process.stdout.write(
      `${m.label}: airgap ${m.airgapSeconds.toFixed(3)} s, baseline ${m.baselineSeconds.toFixed(3)} s, ratio ${ratio(m).toFixed(2)}, CPU ${m.airgapCpuSeconds?.toFixed(2)} s vs ${m.baselineCpuSeconds?.toFixed(2)} s, peak RSS ${m.airgapRssMiB.toFixed(0)} MiB (tree ${m.airgapTreeRssMiB?.toFixed(0) ?? '-'}) vs ${m.baselineRssMiB.toFixed(0)} MiB (tree ${m.baselineTreeRssMiB?.toFixed(0) ?? '-'})${input}, load ${load.toFixed(1)}\n`,
    );
    this.measurements.push(m);
    return m;
  }

  /** Alternates baseline and airgap `runs` times. */
  compare(spec: CompareSpec): Measurement {
    const ours: Timed[] = [];
    const theirs: Timed[] = [];
    for (let i = 0; i < (spec.runs ?? this.runs); i++) {
      theirs.push(this.timed(spec.baseline, spec.cwd));
      spec.prepare?.();
      ours.push(this.timed(spec.airgap(this.node), spec.cwd));
    }
    this.profilers.set(spec.id, (node) => {
      spec.prepare?.();
      this.timed(spec.airgap(node), spec.cwd);
    });
    return this.summarize(spec, ours, theirs);
  }

  /**
   * Each missed target: one more airgap run under --cpu-prof into `root/<measurement>/` (kept,
   * for DevTools), summarised per thread for results.md.
   */
  profileMisses(
    verdicts: readonly Verdict[],
    root: string,
  ): Array<{ title: string; threads: ThreadProfile[] }> {
    const bounds: Array<{ title: string; threads: ThreadProfile[] }> = [];
    for (const v of verdicts) {
      const profile = this.profilers.get(v.target.measurement);
      if (v.met !== false || !profile) continue;
      const dir = join(root, v.target.measurement);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      profile(`node --cpu-prof --cpu-prof-dir=${dir}`);
      const threads = readdirSync(dir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort()
        .map((f) => {
          const data = JSON.parse(readFileSync(join(dir, f), 'utf8'));
          // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread.
          const thread = f.split('.')[4];
          return {
            thread: thread === '0' ? 'main thread' : `worker thread ${thread}`,
            areas: summarizeProfile(data, 6, 'area'),
            functions: summarizeProfile(data, 4),
          };
        });
      bounds.push({ title: `${v.target.title} (${v.text})`, threads });
    }
    return bounds;
  }
}
