import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TempDir, tempDir } from '../helpers/fixtures.js';
import { commitAll, git, runCli } from '../helpers/ops-repo.js';

function repoWithSpec(scratch: TempDir, spec: string): string {
  const repo = join(scratch.dir(), 'ops');
  mkdirSync(join(repo, 'bundles'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, '.gitignore'), '.airgap/\n');
  writeFileSync(
    join(repo, 'bundles/big.yaml'),
    `name: big\nenvironment: dev\ndescription: limits\nfiles: [data/**]\ns3: { bucket: acme-airgap, prefix: p, region: us-east-1 }\n${spec}`,
  );
  return repo;
}

describe('limits the file list decides, before packing', () => {
  // The 100,000-file count is in test/unit/limits.test.ts: here, that the check runs before
  // packing, on a spec whose 100,000 steps make the units without 100,000 files to commit.
  it('refuses a bundle over the unit limit without packing a byte', async () => {
    await using tmp = await tempDir();
    const steps = Array.from({ length: 100_000 }, (_, i) => `  - { name: s${i}, run: "true" }\n`);
    const repo = repoWithSpec(tmp, `steps:\n${steps.join('')}`);
    mkdirSync(join(repo, 'data'));
    writeFileSync(join(repo, 'data/a.txt'), 'a\n');
    commitAll(repo, '100,000 steps');
    const out = tmp.dir();
    const run = await runCli(['bundle', 'big', '--repo', repo, '--out', out]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('nothing was packed');
    expect(run.stderr).toContain('the bundle is 100,004 units, over the limit of 99,999 units');
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);

  it('states the free space the bastion needs: the archive plus every file extracted', async () => {
    await using tmp = await tempDir();
    const repo = repoWithSpec(tmp, 'steps: [{ name: noop, run: "true" }]\n');
    mkdirSync(join(repo, 'data'));
    // Sparse: 64 MiB of zeros on disk as nothing, in the archive as a few KiB.
    const fd = openSync(join(repo, 'data/sparse.img'), 'w');
    ftruncateSync(fd, 64 * 1024 * 1024);
    closeSync(fd);
    commitAll(repo, 'a sparse file');
    const run = await runCli(['bundle', 'big', '--repo', repo, '--out', tmp.dir(), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { size: number; bastionFreeBytes: number };
    expect(result.size).toBeLessThan(1024 * 1024);
    expect(result.bastionFreeBytes).toBe(result.size + 64 * 1024 * 1024);
    const text = await runCli(['bundle', 'big', '--repo', repo, '--out', tmp.dir()]);
    expect(text.stdout).toMatch(/ {2}bastion {3}needs 64\.\d MiB free in ~\/airgap to download/);
  }, 120_000);
});
