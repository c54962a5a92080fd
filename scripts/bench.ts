/**
 * `npm run bench`: each airgap command against what a user would otherwise run, on the same
 * input in the same run, as a ratio of medians (at least 3 runs). Loopback only.
 * Results go to bench/results.md; the README quotes the table.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchSecrets } from './bench-secrets.js';
import { fakeRecord } from './lib/fake-record.js';
import { LOCAL_S3_CREDENTIALS } from './lib/local-s3.js';
import { git, projectRoot } from './lib/loop.js';

const quick = process.argv.includes('--quick');
// --only=upload,ingest runs a subset (results.md is then not rewritten).
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const wanted = (name: string) => !only || only.includes(name);
const RUNS = 3;
const work = join(projectRoot, 'bench/work');
const cli = join(projectRoot, 'dist/src/cli/main.js');
// AIRGAP_PROFILE=DIR writes a --cpu-prof profile of every airgap run into DIR.
const node = process.env.AIRGAP_PROFILE
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

interface Timed {
  seconds: number;
  rssMiB: number;
}

/** Runs a shell command under GNU time: wall time, and the peak RSS of its largest process. */
function timed(command: string, cwd: string): Timed {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', command], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.slice(-2000)}`);
  const [seconds, kib] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { seconds: seconds ?? 0, rssMiB: (kib ?? 0) / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function compare(label: string, ours: () => Timed, theirs: () => Timed, runs = RUNS) {
  const a: Timed[] = [];
  const b: Timed[] = [];
  for (let i = 0; i < runs; i++) {
    b.push(theirs());
    a.push(ours());
  }
  const row = {
    label,
    airgap: median(a.map((t) => t.seconds)),
    baseline: median(b.map((t) => t.seconds)),
    airgapFirst: a[0]?.seconds ?? 0,
    airgapRss: Math.max(...a.map((t) => t.rssMiB)),
    baselineRss: Math.max(...b.map((t) => t.rssMiB)),
  };
  process.stdout.write(
    `${label}: airgap ${row.airgap.toFixed(2)} s, baseline ${row.baseline.toFixed(2)} s, ratio ${(row.airgap / row.baseline).toFixed(2)}, peak RSS ${row.airgapRss.toFixed(0)} MiB vs ${row.baselineRss.toFixed(0)} MiB\n`,
  );
  return row;
}

/** A committed repo of `files` files, `megabytes` in all: YAML manifests plus 10% incompressible binaries. */
function makeRepo(name: string, files: number, megabytes: number): string {
  const repo = join(work, name);
  mkdirSync(join(repo, 'k8s'), { recursive: true });
  const perFile = Math.floor((megabytes * 1024 * 1024) / files);
  const manifest = (i: number) => {
    const head = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: kafka\ndata:\n`;
    let body = '';
    for (let line = 0; body.length < perFile - head.length - 64; line++)
      body += `  key-${line}: "value ${i}-${line} ${'abcdefghij'.repeat(4)}"\n`;
    return head + body;
  };
  for (let i = 0; i < files; i++) {
    const dir = join(repo, 'k8s', `d${Math.floor(i / 500)}`);
    mkdirSync(dir, { recursive: true });
    if (i % 10 === 9) writeFileSync(join(dir, `blob-${i}.bin`), randomBytes(perFile));
    else writeFileSync(join(dir, `cm-${i}.yaml`), manifest(i));
  }
  mkdirSync(join(repo, 'bundles'), { recursive: true });
  writeFileSync(
    join(repo, 'bundles/bench.yaml'),
    'name: bench\nenvironment: dev\ndescription: benchmark\nfiles: ["k8s/**"]\ns3: { bucket: acme-airgap, prefix: bench, region: us-east-1 }\nsteps: [{ name: noop, run: "true" }]\n',
  );
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'bench');
  return repo;
}

const rows: ReturnType<typeof compare>[] = [];
const notes: string[] = [];

// 0. Start-up: the CLI loads command code only when a command runs.
if (wanted('start')) {
  rows.push(
    compare(
      'start: airgap --version',
      () => timed(`${node} ${cli} --version`, work),
      () => timed('node -e 0', work),
      10,
    ),
  );
}

// 1. Bundle.
const bundleSizes: Array<[number, number]> = quick
  ? [[500, 30]]
  : [
      [500, 30],
      [5000, 300],
      [50000, 300],
    ];
for (const [files, mb] of wanted('bundle') ? bundleSizes : []) {
  const repo = makeRepo(`repo-${files}`, files, mb);
  const out = join(work, `out-${files}`);
  rows.push(
    compare(
      `bundle ${files} files, ${mb} MB`,
      () => timed(`${node} ${cli} bundle bench --out ${out} --json > /dev/null`, repo),
      () =>
        timed(
          'git archive --format=tar HEAD k8s | gzip -6 > /tmp/airgap-bench.tar.gz && sha256sum /tmp/airgap-bench.tar.gz > /dev/null',
          repo,
        ),
    ),
  );
  git(repo, 'checkout', '-q', '--', '.');
}

// 2. Upload, with s3rver in its own process so it does not share airgap's event loop.
const server = spawn(
  process.execPath,
  [
    '-e',
    `import('${join(projectRoot, 'dist/scripts/lib/local-s3.js')}').then(async (m) => { const s = await m.startLocalS3(['acme-airgap']); console.log(s.endpoint); })`,
  ],
  { env, stdio: ['ignore', 'pipe', 'inherit'] },
);
const endpoint = await new Promise<string>((resolve) =>
  server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
);
// Each run writes a new key: the same key would be skipped as already uploaded.
let run = 0;
const hasAws = spawnSync('bash', ['-c', 'command -v aws']).status === 0;
try {
  for (const mb of !wanted('upload') ? [] : quick ? [64] : [256, 1024]) {
    const dir = join(work, `upload-${mb}`, `up${mb}-1234567`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `up${mb}-1234567.tar.gz`);
    execFileSync('bash', ['-c', `head -c ${mb * 1024 * 1024} /dev/urandom > ${file}`]);
    const sha = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    writeFileSync(`${file}.sha256`, `${sha}  up${mb}-1234567.tar.gz\n`);
    writeFileSync(
      join(dir, 'bundle.json'),
      JSON.stringify(
        fakeRecord({
          id: `up${mb}-1234567`,
          file: `up${mb}-1234567.tar.gz`,
          sha256: sha ?? '',
          size: mb * 1048576,
          prefix: 'bench',
        }),
      ),
    );
    if (!hasAws) {
      notes.push('upload: the aws CLI is not installed, so there is no upload baseline');
      break;
    }
    const row = compare(
      `upload ${mb} MB to s3rver`,
      () =>
        timed(
          `${node} ${cli} upload ${dir} --endpoint ${endpoint} --prefix bench/run-${run++} --json > /dev/null`,
          work,
        ),
      () =>
        timed(
          `aws s3 cp --only-show-errors --endpoint-url ${endpoint} ${file} s3://acme-airgap/bench/aws-${run++}.tar.gz`,
          work,
        ),
    );
    notes.push(
      `upload ${mb} MB: airgap ${(mb / row.airgap).toFixed(0)} MB/s, aws s3 cp ${(mb / row.baseline).toFixed(0)} MB/s`,
    );
    rows.push(row);
  }
} finally {
  server.kill();
}

// 3. Ingest: a bundle with 1,000 steps, and transcripts of 20 and 200 MB in terminal shape.
const ingestRepo = join(work, 'ingest-repo');
mkdirSync(join(ingestRepo, 'k8s'), { recursive: true });
mkdirSync(join(ingestRepo, 'bundles'), { recursive: true });
writeFileSync(
  join(ingestRepo, 'k8s/a.yaml'),
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
);
const steps = Array.from(
  { length: 1000 },
  (_, i) => `  - { name: step ${i + 1}, run: "kubectl get configmap a -o yaml # ${i}" }`,
).join('\n');
writeFileSync(
  join(ingestRepo, 'bundles/many.yaml'),
  `name: many\nenvironment: dev\ndescription: a thousand steps\nfiles: [k8s/a.yaml]\ns3: { bucket: acme-airgap, prefix: bench, region: us-east-1 }\nsteps:\n${steps}\n`,
);
git(ingestRepo, 'init', '-q', '-b', 'main');
git(ingestRepo, 'add', '-A');
git(ingestRepo, 'commit', '-q', '-m', 'many');
const bundled = JSON.parse(
  execFileSync(
    process.execPath,
    [cli, 'bundle', 'many', '--json', '--out', join(work, 'out-many')],
    { cwd: ingestRepo, env, encoding: 'utf8' },
  ),
) as { bundleId: string };
git(ingestRepo, 'add', '-A');
git(ingestRepo, 'commit', '-q', '-m', 'prepared');
const snapshotCommit = git(ingestRepo, 'rev-parse', 'HEAD').trim();

function makeTranscript(path: string, megabytes: number): void {
  const target = megabytes * 1024 * 1024;
  const id = bundled.bundleId;
  const linesPerStep = Math.ceil(target / 1000 / 60);
  const chunks: string[] = [];
  let t = 1770973200;
  const out: string[] = [];
  for (let n = 4; n <= 1003; n++) {
    out.push(
      `\x1b[?2004h[ec2-user@ip-10-0-1-23 ~]$ airgap_run ${n} step 0 'kubectl get configmap a -o yaml'\r\n`,
    );
    out.push(
      `@@airgap/1 begin ${id} ${n} step ${t}\r\n[2026-02-13T09:00:00Z ip-10-0-1-23] $ kubectl get configmap a -o yaml\r\n`,
    );
    out.push(`Completed 1.0 MiB/3.0 MiB (9 MiB/s)\rCompleted 3.0 MiB/3.0 MiB (9 MiB/s)\rdone\r\n`);
    for (let l = 0; l < linesPerStep; l++)
      out.push(
        l % 2
          ? `  key-${l}: \x1b[32mvalue-${l}\x1b[0m padding padding padding\r\n`
          : `  key-${l}: value-${l} padding padding padding padding\n`,
      );
    out.push(`@@airgap/1 end ${id} ${n} step rc=0 ${t + 1}\r\n`);
    t += 2;
    chunks.push(out.join(''));
    out.length = 0;
    if (chunks.length >= 50) {
      writeFileSync(path, chunks.join(''), { flag: 'a' });
      chunks.length = 0;
    }
  }
  writeFileSync(path, chunks.join(''), { flag: 'a' });
}

for (const mb of !wanted('ingest') ? [] : quick ? [20] : [20, 200]) {
  const transcript = join(work, `transcript-${mb}.txt`);
  rmSync(transcript, { force: true });
  makeTranscript(transcript, mb);
  const awk = `rm -rf split && mkdir split && awk '/@@airgap\\/1 begin/ {f = "split/" $5 "-" $6 ".txt"} f {print > f} /@@airgap\\/1 end/ {close(f); f = ""}' ${transcript}`;
  const row = compare(
    `ingest ${mb} MB, 1,000 steps`,
    () => {
      git(ingestRepo, 'reset', '-q', '--hard', snapshotCommit);
      git(ingestRepo, 'clean', '-q', '-fdx', '-e', 'bundles/records');
      return timed(`${node} ${cli} ingest ${transcript} --json > /dev/null`, ingestRepo);
    },
    () => timed(awk, work),
  );
  rows.push(row);
}

// 4. Secrets: recall on the test corpus and redaction throughput (scripts/bench-secrets.ts).
if (wanted('secrets')) notes.push(...benchSecrets(projectRoot, quick));

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}`;
const table = [
  '| benchmark | airgap (s) | airgap first run (s) | baseline (s) | ratio | airgap peak RSS | baseline peak RSS |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.airgap.toFixed(2)} | ${r.airgapFirst.toFixed(2)} | ${r.baseline.toFixed(2)} | **${(r.airgap / r.baseline).toFixed(2)}** | ${r.airgapRss.toFixed(0)} MiB | ${r.baselineRss.toFixed(0)} MiB |`,
  ),
].join('\n');
const report = [
  '# Benchmark results',
  '',
  `${new Date().toISOString().slice(0, 10)}, ${machine}. Median of ${RUNS} runs; ratio = airgap / baseline (lower is better).`,
  '',
  'The first bundle run of a repo parses every manifest; later runs reuse the scan verdicts cached by git blob id in .git/airgap/, so the median is the warm figure and the first run is shown beside it.',
  '',
  'Baselines: start = bare `node -e 0`; bundle = `git archive --format=tar HEAD k8s | gzip -6 && sha256sum`; upload = `aws s3 cp` to the same s3rver; ingest = an awk script that only splits the transcript by markers into files.',
  '',
  table,
  '',
  ...notes.map((n) => `- ${n}`),
  '',
].join('\n');
mkdirSync(join(projectRoot, 'bench'), { recursive: true });
if (!quick && !only) writeFileSync(join(projectRoot, 'bench/results.md'), report);
process.stdout.write(`\n${report}`);
rmSync(work, { recursive: true, force: true });
