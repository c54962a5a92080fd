/**
 * `npm run bench`: each airgap command against what a user would otherwise run, on the same
 * input in the same run, as a ratio of medians; then issue 28's targets, each met or missed.
 * For a missed target it profiles one more airgap run (`--cpu-prof`, kept in bench/profiles/)
 * and writes what the time went to into bench/results.md. Loopback only. `--quick`: smaller
 * inputs; `--only=a,b`: a subset (bundle, repetitive, operator, small, large, startup, upload,
 * ingest, secrets); neither rewrites results.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchSecrets } from './bench-secrets.js';
import {
  compressionOf,
  freshClone,
  makeIngestRepo,
  makeLargeFileRepo,
  makeOperatorRepo,
  makeRepetitiveRepo,
  makeRepo,
  makeSmallOpsRepo,
  makeTranscript,
} from './lib/bench-inputs.js';
import { BenchRun, type Timed } from './lib/bench-run.js';
import { judge, renderResults, TARGETS, verdictLines } from './lib/bench-targets.js';
import { benchUpload } from './lib/bench-upload.js';
import { git } from './lib/git.js';
import { LOCAL_S3_CREDENTIALS } from './lib/local-s3.js';
import { projectRoot } from './lib/loop.js';

const quick = process.argv.includes('--quick');
// Other work on the machine stretches airgap's parallel parts more than the one-thread baselines.
const loadAtStart = loadavg()[0] ?? 0;
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const wanted = (name: string) => !only || only.includes(name);
const RUNS = 3;
const work = join(projectRoot, 'bench/work');
const cli = join(projectRoot, 'dist/bin/airgap.js');
// AIRGAP_PROFILE=DIR writes a --cpu-prof profile of every airgap run into DIR.
const NODE = process.env.AIRGAP_PROFILE
  ? `node --cpu-prof --cpu-prof-dir=${process.env.AIRGAP_PROFILE}`
  : 'node';
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const env = {
  ...process.env,
  ...LOCAL_S3_CREDENTIALS,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NO_COLOR: '1',
};

const bench = new BenchRun(env, NODE, RUNS);
const { measurements, notes, profilers } = bench;
const timed = (command: string, cwd: string) => bench.timed(command, cwd);
const compare = bench.compare.bind(bench);
const archiveBaseline = (out: string) =>
  `git archive --format=tar HEAD | gzip -6 > ${out} && sha256sum ${out} > /dev/null`;
const ARCHIVE_BASELINE = 'git archive --format=tar HEAD | gzip -6 > x.tar.gz && sha256sum x.tar.gz';
const bundleCommand = (node: string, out: string) => {
  rmSync(out, { recursive: true, force: true });
  return `${node} ${cli} bundle bench --out ${out} --json > /dev/null`;
};

/**
 * Fresh clones (no scan cache) and then the same clone warm, each against the baseline on the
 * same clone, alternating: `RUNS` clones of `source`.
 */
function freshAndWarm(id: string, shape: string, source: string): void {
  const out = join(work, `out-${id}`);
  const baselineOut = join(work, 'baseline.tar.gz');
  const fresh: [Timed[], Timed[]] = [[], []];
  const warm: [Timed[], Timed[]] = [[], []];
  let clone = '';
  for (let i = 0; i < RUNS; i++) {
    clone = freshClone(source, join(work, `clone-${id}-${i}`));
    fresh[1].push(timed(archiveBaseline(baselineOut), clone));
    fresh[0].push(timed(bundleCommand(NODE, out), clone));
    warm[1].push(timed(archiveBaseline(baselineOut), clone));
    warm[0].push(timed(bundleCommand(NODE, out), clone));
    if (i < RUNS - 1) rmSync(clone, { recursive: true, force: true });
  }
  const input = compressionOf(clone);
  const baselineCommand = ARCHIVE_BASELINE;
  bench.summarize(
    { id: `${id}-fresh`, label: `${shape}, fresh clone`, baselineCommand, input },
    ...fresh,
  );
  bench.summarize({ id: `${id}-warm`, label: `${shape}, warm`, baselineCommand, input }, ...warm);
  profilers.set(`${id}-fresh`, (node) => {
    const again = freshClone(source, join(work, `clone-${id}-profile`));
    timed(bundleCommand(node, out), again);
  });
  profilers.set(`${id}-warm`, (node) => timed(bundleCommand(node, out), clone));
}

// 1. Bundle: 2,000 YAML files (20 MB) and 20 binaries (40 MB), in fresh clones, then warm.
if (wanted('bundle')) {
  const scale = quick ? 10 : 1;
  const source = makeRepo(join(work, 'repo-main'), {
    yamlFiles: 2000 / scale,
    yamlMB: 20 / scale,
    binaryFiles: 20 / scale,
    binaryMB: 40 / scale,
  });
  const shape = `${2000 / scale} YAML (${20 / scale} MB) + ${20 / scale} binary files (${40 / scale} MB)`;
  freshAndWarm('bundle', `bundle ${shape}`, source);

  if (!quick) {
    // 50,000 small files: the first run parses everything, the measured ones reuse the cache.
    const many = makeRepo(join(work, 'repo-50000'), {
      yamlFiles: 45000,
      yamlMB: 270,
      binaryFiles: 5000,
      binaryMB: 30,
    });
    const first = timed(bundleCommand(NODE, join(work, 'out-50000')), many);
    notes.push(
      `bundle 50,000 files: the first run (empty scan cache) took ${first.seconds.toFixed(2)} s, peak RSS ${first.rssMiB.toFixed(0)} MiB`,
    );
    compare({
      id: 'bundle-50000',
      label: 'bundle 50,000 files (300 MB), warm',
      baselineCommand: ARCHIVE_BASELINE,
      cwd: many,
      airgap: (node) => bundleCommand(node, join(work, 'out-50000')),
      baseline: archiveBaseline(join(work, 'baseline.tar.gz')),
      input: compressionOf(many),
    });
  }
}

// 1b. Generated manifests: 2,000 files × 120 tiny ConfigMaps (cheap for gzip) + 20 × 2 MiB random.
if (wanted('repetitive')) {
  const files = quick ? 200 : 2000;
  const binaries = quick ? 2 : 20;
  const source = makeRepetitiveRepo(join(work, 'repo-repetitive'), {
    yamlFiles: files,
    documents: 120,
    binaryFiles: binaries,
    binaryMiB: 2,
  });
  freshAndWarm('repetitive', `bundle ${files} YAML × 120 ConfigMaps + ${binaries} × 2 MiB`, source);
}

// 1c. An operator install: CRDs of 300–500 KB, which js-yaml parses whole.
if (wanted('operator')) {
  const source = makeOperatorRepo(join(work, 'repo-operator'));
  freshAndWarm('operator', 'bundle an operator install (10 CRDs of 300–500 KB)', source);
}

// 1d. A dozen files: what a bundle costs beyond starting node, fresh and unchanged.
if (wanted('small')) {
  const repo = makeSmallOpsRepo(join(work, 'repo-small'));
  const out = join(work, 'out-small');
  const command = (node: string) => `${node} ${cli} bundle ops --out ${out} --json > /dev/null`;
  const input = compressionOf(repo);
  compare({
    id: 'small-bundle',
    label: 'bundle a 12-file ops repo, first time (no scan cache)',
    baselineCommand: 'node -e 0',
    cwd: repo,
    // Back to the committed state: no record, no PENDING-CHANGES row, no cache, no out dir.
    prepare: () => {
      git(repo, 'reset', '-q', '--hard');
      git(repo, 'clean', '-q', '-fdx');
      rmSync(join(repo, '.git/airgap'), { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    },
    airgap: command,
    baseline: 'node -e 0',
    runs: quick ? 3 : 9,
    input,
  });
  compare({
    id: 'small-rerun',
    label: 'bundle a 12-file ops repo, unchanged rerun',
    baselineCommand: 'node -e 0',
    cwd: repo,
    airgap: command,
    baseline: 'node -e 0',
    runs: quick ? 3 : 9,
    input,
  });
}

// 2. One 1 GB file: memory must not grow with the file.
if (wanted('large') && !quick) {
  const repo = makeLargeFileRepo(join(work, 'repo-1gb'), 1024);
  compare({
    id: 'bundle-1gb',
    label: 'bundle one 1 GB text file',
    baselineCommand: ARCHIVE_BASELINE,
    cwd: repo,
    airgap: (node) => bundleCommand(node, join(work, 'out-1gb')),
    baseline: archiveBaseline(join(work, 'baseline.tar.gz')),
    runs: 1,
  });
}

// 3. Start-up: what every command costs before it does anything.
if (wanted('startup') || only?.includes('start')) {
  for (const flag of ['version', 'help'])
    compare({
      id: `start-${flag}`,
      label: `airgap --${flag}`,
      baselineCommand: 'node -e 0',
      cwd: work,
      airgap: (node) => `${node} ${cli} --${flag} > /dev/null`,
      baseline: 'node -e 0',
      runs: quick ? 5 : 15,
    });
}

// 4. Upload, with s3rver in its own process so it does not share airgap's event loop.
if (wanted('upload')) await benchUpload(bench, { work, cli, env, quick });

// 5. Ingest: a bundle with 1,000 steps, and transcripts in terminal shape; redaction on.
if (wanted('ingest')) {
  const repo = makeIngestRepo(join(work, 'ingest-repo'));
  const bundled = JSON.parse(
    execFileSync(
      process.execPath,
      [cli, 'bundle', 'many', '--json', '--out', join(work, 'out-many')],
      {
        cwd: repo,
        env,
        encoding: 'utf8',
      },
    ),
  ) as { bundleId: string };
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'prepared');
  const snapshot = git(repo, 'rev-parse', 'HEAD').trim();
  for (const mb of quick ? [20] : [20, 200]) {
    const transcript = join(work, `transcript-${mb}.txt`);
    makeTranscript(transcript, mb, bundled.bundleId);
    compare({
      id: `ingest-${mb}`,
      label: `ingest ${mb} MB, 1,000 steps, redaction on`,
      baselineCommand: `awk '/@@airgap\\/1 begin/ {f = "split/" $5 "-" $6 ".txt"} f {print > f} /@@airgap\\/1 end/ {close(f); f = ""}' transcript.txt`,
      cwd: repo,
      prepare: () => {
        git(repo, 'reset', '-q', '--hard', snapshot);
        git(repo, 'clean', '-q', '-fdx', '-e', 'bundles/records');
      },
      airgap: (node) => `${node} ${cli} ingest ${transcript} --json > /dev/null`,
      baseline: `cd ${work} && rm -rf split && mkdir split && awk '/@@airgap\\/1 begin/ {f = "split/" $5 "-" $6 ".txt"} f {print > f} /@@airgap\\/1 end/ {close(f); f = ""}' ${transcript}`,
    });
  }
}

// 6. Secrets: recall on the test corpus and redaction throughput (scripts/bench-secrets.ts).
if (wanted('secrets')) notes.push(...benchSecrets(projectRoot, quick));

const verdicts = judge(TARGETS, measurements);
// Each missed target: one more run under --cpu-prof, kept in bench/profiles/<measurement>/.
const bounds = bench.profileMisses(verdicts, join(projectRoot, 'bench/profiles'));

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, load average ${loadAtStart.toFixed(1)} at the start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end (each figure's own is in its row)`;
if (quick)
  notes.push('quick run: inputs are smaller than the targets name; the verdicts are indicative');
const report = renderResults({
  date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  machine,
  runs: RUNS,
  measurements,
  verdicts,
  bounds,
  notes,
});
process.stdout.write(`\nTargets:\n${verdictLines(verdicts).join('\n')}\n`);
if (!quick && !only) {
  writeFileSync(join(projectRoot, 'bench/results.md'), report);
  process.stdout.write('\nWrote bench/results.md\n');
} else process.stdout.write(`\n${report}`);
rmSync(work, { recursive: true, force: true });
