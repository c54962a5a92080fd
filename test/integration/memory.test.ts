import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCollected } from '../../scripts/lib/loop.js';
import { measureTreeRss } from '../../scripts/lib/peak-rss.js';
import { tempDir } from '../helpers/fixtures.js';
import { cliPath, commitAll, git } from '../helpers/ops-repo.js';

describe('bundle memory', () => {
  // The issue sets a bound: peak RSS of airgap and its git children under 300 MB for a big
  // file. 384 MiB is enough to show it: a reader that held the blob, plus node itself, would be over.
  it('packs a 384 MiB file, packed by git gc, with airgap + git under 300 MB peak RSS', async () => {
    await using tmp = await tempDir();
    const repo = join(tmp.dir(), 'big');
    mkdirSync(join(repo, 'data'), { recursive: true });
    mkdirSync(join(repo, 'bundles'));
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, '.gitignore'), '.airgap/\n');
    writeFileSync(
      join(repo, 'bundles/big.yaml'),
      'name: big\nenvironment: dev\ndescription: one big file\nfiles: [data/**]\n' +
        's3: { bucket: acme-airgap, prefix: p, region: us-east-1 }\nsteps: [{ name: noop, run: "true" }]\n',
    );
    // The slow steps run without blocking the worker: tens of seconds in a row of
    // execFileSync at load 11 outlasted vitest's RPC timeout ("Timeout calling onTaskUpdate",
    // an unhandled error that fails the run although the test passed).
    const sh = async (script: string) => {
      const run = await runCollected('bash', ['-e', '-c', script], { cwd: repo, env: process.env });
      expect(run.code, `${script}\n${run.out}`).toBe(0);
    };
    await sh("head -c 402653184 /dev/zero | tr '\\0' a > data/big.txt");
    // Staged straight into a pack (git's bulk check-in, as for any file over bigFileThreshold),
    // so gc below keeps that deflated blob instead of inflating and deflating 384 MiB again
    // (~3 s of CPU); the repo is the same either way: one commit, its blob packed, not a delta.
    await sh('git -c core.bigFileThreshold=16m add -A');
    commitAll(repo, 'big file');
    // Packed, as in any repo after git gc: git streamed loose blobs but inflated packed ones.
    await sh('git gc -q');
    const out = tmp.dir();
    const result = await measureTreeRss('node', [
      cliPath,
      'bundle',
      'big',
      '--repo',
      repo,
      '--out',
      out,
      '--json',
    ]);
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, files: 1 });
    expect(result.byCommand.git).toBeGreaterThan(0); // git's children were sampled too
    // git itself streams: it holds a pack window, not the 384 MiB blob.
    expect(result.byCommand.git).toBeLessThan(100);
    expect(result.peakMiB).toBeLessThan(300);
  }, 240_000);
});
