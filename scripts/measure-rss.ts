/**
 * `node dist/scripts/measure-rss.js [--big-only|--packed-only|--many-only] [--keep]`: peak RSS of
 * `airgap bundle` (airgap plus its git children, summed, sampled from /proc every 50 ms) on
 *   - one 1 GiB file (bound: 300 MiB),
 *   - one 1 GiB random file after `git gc`, packed (bound: 300 MiB; --packed-only alone), and
 *   - 100,000 small files (bound: 500 MiB).
 * Builds the repos under bench/work/rss (about 1 GiB of disk). Prints one line per case.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './lib/git.js';
import { projectRoot } from './lib/loop.js';
import { measureTreeRss } from './lib/peak-rss.js';

const work = join(projectRoot, 'bench/work/rss');
const cli = join(projectRoot, 'dist/bin/airgap.js');
const args = process.argv.slice(2);

function makeRepo(name: string, fill: (repo: string) => void): string {
  const repo = join(work, name);
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(join(repo, 'bundles'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, '.gitignore'), '.airgap/\n');
  writeFileSync(
    join(repo, 'bundles/rss.yaml'),
    'name: rss\nenvironment: dev\ndescription: memory check\nfiles: [data/**]\n' +
      's3: { bucket: acme-airgap, prefix: p, region: us-east-1 }\n' +
      'steps: [{ name: Apply all, run: kubectl apply -R -f data/ }]\n',
  );
  fill(repo);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', name);
  return repo;
}

async function measure(label: string, repo: string, boundMiB: number): Promise<boolean> {
  const result = await measureTreeRss('node', [cli, 'bundle', 'rss', '--repo', repo], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.code !== 0) {
    process.stdout.write(`${label}: airgap bundle failed (${result.code})\n${result.stderr}\n`);
    return false;
  }
  const parts = Object.entries(result.byCommand)
    .map(([comm, mib]) => `${comm} ${mib.toFixed(0)}`)
    .join(', ');
  const ok = result.peakMiB < boundMiB;
  process.stdout.write(
    `${label}: peak RSS ${result.peakMiB.toFixed(0)} MiB (bound ${boundMiB}; per process MiB: ${parts}) ${ok ? 'OK' : 'OVER'}\n`,
  );
  const sizes = result.stdout.split('\n').filter((l) => /^\s+documents/.test(l));
  for (const line of sizes) process.stdout.write(`  ${line.trim()}\n`);
  return ok;
}

mkdirSync(work, { recursive: true });
let ok = true;
if (!args.includes('--many-only') && !args.includes('--packed-only')) {
  const repo = makeRepo('big', (r) => {
    mkdirSync(join(r, 'data'));
    // Text, so the archive stays under the transfer limit; git streams it into one loose object.
    execFileSync('bash', ['-c', "head -c 1073741824 /dev/zero | tr '\\0' a > data/big.txt"], {
      cwd: r,
    });
  });
  ok = (await measure('1 GiB file', repo, 300)) && ok;
  if (!args.includes('--keep')) rmSync(repo, { recursive: true, force: true });
}
if (!args.includes('--many-only') && !args.includes('--big-only')) {
  const repo = makeRepo('packed', (r) => {
    mkdirSync(join(r, 'data'));
    // Random bytes: git cannot shrink the pack, so reading the blob touches 1 GiB of it.
    execFileSync('bash', ['-c', 'head -c 1073741824 /dev/urandom > data/random.bin'], { cwd: r });
  });
  git(repo, 'gc', '-q');
  ok = (await measure('1 GiB random file, packed', repo, 300)) && ok;
  if (!args.includes('--keep')) rmSync(repo, { recursive: true, force: true });
}
if (!args.includes('--big-only') && !args.includes('--packed-only')) {
  const repo = makeRepo('many', (r) => {
    for (let d = 0; d < 100; d++) {
      const dir = join(r, 'data', `d${d}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 1000; f++)
        writeFileSync(join(dir, `f${f}.txt`), `file ${d}/${f}\n${'x'.repeat(200)}\n`);
    }
  });
  ok = (await measure('100,000 files', repo, 500)) && ok;
  if (!args.includes('--keep')) rmSync(repo, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
