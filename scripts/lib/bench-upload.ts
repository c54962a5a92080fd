/**
 * The bench's upload measurement (scripts/bench.ts, section 4): airgap upload against
 * `aws s3 cp`, with s3rver in its own process so it does not share airgap's event loop.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRun } from './bench-run.js';
import { fakeRecord } from './fake-record.js';
import { projectRoot } from './loop.js';

export async function benchUpload(
  bench: BenchRun,
  { work, cli, env, quick }: { work: string; cli: string; env: NodeJS.ProcessEnv; quick: boolean },
): Promise<void> {
  const { notes } = bench;
  const compare = bench.compare.bind(bench);
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
    for (const mb of quick ? [64] : [256, 1024]) {
      if (!hasAws) {
        notes.push('upload: the aws CLI is not installed, so there is no upload baseline');
        break;
      }
      const id = `up${mb}-1234567`;
      const dir = join(work, `upload-${mb}`, id);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${id}.tar.gz`);
      execFileSync('bash', ['-c', `head -c ${mb * 1024 * 1024} /dev/urandom > ${file}`]);
      const sha = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
      writeFileSync(`${file}.sha256`, `${sha}  ${id}.tar.gz\n`);
      writeFileSync(
        join(dir, 'bundle.json'),
        JSON.stringify(
          fakeRecord({
            id,
            file: `${id}.tar.gz`,
            sha256: sha ?? '',
            size: mb * 1048576,
            prefix: 'bench',
          }),
        ),
      );
      const m = compare({
        id: `upload-${mb}`,
        label: `upload ${mb} MB to s3rver`,
        baselineCommand: 'aws s3 cp FILE s3://BUCKET/KEY --endpoint-url URL',
        cwd: work,
        airgap: (node) =>
          `${node} ${cli} upload ${dir} --endpoint ${endpoint} --prefix bench/run-${run++} --json > /dev/null`,
        baseline: `aws s3 cp --only-show-errors --endpoint-url ${endpoint} ${file} s3://acme-airgap/bench/aws-${run++}.tar.gz`,
      });
      notes.push(
        `upload ${mb} MB: airgap ${(mb / m.airgapSeconds).toFixed(0)} MB/s, aws s3 cp ${(mb / m.baselineSeconds).toFixed(0)} MB/s`,
      );
    }
  } finally {
    server.kill();
  }
}
