import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLsTree } from '../../src/repo/git.js';
import { runGit, runGitToFile } from '../../src/repo/run-git.js';

// A tree of 3,000 long names (~270 KiB of ls-tree output, four times a pipe's 64 KiB), made
// with mktree from the empty blob: no working files.
let repo = '';
let tree = '';
const savedTmp = process.env.TMPDIR;
// Assigning undefined to process.env would set the text "undefined".
const restoreTmp = () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
};

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'airgap-git-to-file-'));
  await runGit(repo, ['init', '-q']);
  const blob = (await runGit(repo, ['hash-object', '-w', '--stdin'], '')).stdout.toString().trim();
  const lines = Array.from(
    { length: 3000 },
    (_, i) =>
      `100644 blob ${blob}\tk8s-${'long-name-'.repeat(5)}${String(i).padStart(4, '0')}.yaml`,
  );
  tree = (await runGit(repo, ['mktree'], `${lines.join('\n')}\n`)).stdout.toString().trim();
});

afterAll(() => {
  restoreTmp();
  rmSync(repo, { recursive: true, force: true });
});

describe('runGitToFile', () => {
  const args = () => ['ls-tree', '-r', '-l', '-z', '--full-tree', tree];

  it("gives git's whole output, as the pipe does, and leaves no file behind", async () => {
    const temp = mkdtempSync(join(tmpdir(), 'airgap-tmp-'));
    process.env.TMPDIR = temp;
    try {
      const piped = await runGit(repo, args());
      const filed = await runGitToFile(repo, args());
      expect(piped.stdout.length).toBeGreaterThan(4 * 65536);
      expect(filed.code).toBe(0);
      expect(filed.stdout.equals(piped.stdout)).toBe(true);
      expect(parseLsTree(filed.stdout)).toHaveLength(3000);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      restoreTmp();
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it("reports git's failure: its exit code and its message", async () => {
    const failed = await runGitToFile(repo, ['ls-tree', '-r', 'no-such-tree']);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/no-such-tree/);
    expect(failed.stdout.length).toBe(0);
  });

  it('falls back to the pipe when no temporary file can be made', async () => {
    process.env.TMPDIR = join(repo, 'no', 'such', 'dir');
    try {
      const filed = await runGitToFile(repo, args());
      expect(filed.stdout.equals((await runGit(repo, args())).stdout)).toBe(true);
    } finally {
      restoreTmp();
    }
  });

  it('falls back to the pipe when git cannot write the whole output into the file', async () => {
    // A git that may write no file past 16 KiB (ulimit -f), as in a TMPDIR that is full:
    // writing its output into the file fails midway; through a pipe it is whole.
    const bin = mkdtempSync(join(tmpdir(), 'airgap-small-fsize-'));
    const git = join(bin, 'git');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(git, `#!/bin/sh\nulimit -f 16\nexec '${real}' "$@"\n`);
    chmodSync(git, 0o755);
    const savedPath = process.env.PATH;
    const piped = await runGit(repo, args());
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      const filed = await runGitToFile(repo, args());
      expect(filed.code).toBe(0);
      expect(filed.stdout.equals(piped.stdout)).toBe(true);
    } finally {
      process.env.PATH = savedPath;
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
