import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../../scripts/lib/git.js';
import { parsePorcelainStatus } from '../../src/repo/git.js';
import { statusFromIndex } from '../../src/repo/index-status.js';
import { opsRepo } from '../helpers/fixtures.js';

const TOPIC = 'k8s/dev/topics/kafka-topic-quote-priced.yaml';

/** What git status lists (it also refreshes the index, as any rerun's git status would). */
function gitStatus(root: string): string[] {
  const out = git(root, 'status', '--porcelain=v1', '-z', '--untracked-files=all');
  return parsePorcelainStatus(Buffer.from(out)).map((d) => d.path);
}

/** The index's answer, which must list every path git lists whenever it answers at all. */
function fromIndex(root: string): string[] | undefined {
  const tree = git(root, 'rev-parse', 'HEAD^{tree}').trim();
  const listed = indexPaths(root, tree);
  if (listed) for (const path of gitStatus(root)) expect(listed).toContain(path);
  return listed;
}

/** statusFromIndex's paths for a given tree. */
function indexPaths(root: string, tree: string): string[] | undefined {
  return statusFromIndex(root, join(root, '.git'), tree)?.map((d) => d.path);
}

/** Rewrites a file with other bytes of the same size and gives it back its times (to the ns). */
function sameSizeEdit(path: string): void {
  const times = `${path}.times`;
  execFileSync('touch', ['-r', path, times]);
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.replace(/a/, 'b'));
  execFileSync('touch', ['-r', times, path]);
  rmSync(times);
}

/**
 * An index no entry of which is racily clean. A git status in the same clock tick as the last
 * write is not enough: on a tmpfs (the tests' TMPDIR) times come from the kernel's coarse clock,
 * so the index it writes can carry a file's own mtime, and statusFromIndex then rightly lists
 * that file (1 run in 3). After a pause longer than a tick, git status finds the entries racy,
 * compares their content and writes an index newer than all of them (git's has_racy_timestamp).
 */
async function settledIndex(root: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  gitStatus(root);
}

describe('statusFromIndex: a superset of git status, without a git process', () => {
  it('lists nothing but untracked files in a clean tree, and each change git would see', async () => {
    await using repo = await opsRepo();
    const root = repo.path;
    await settledIndex(root);
    expect(fromIndex(root)).toEqual([]);
    writeFileSync(join(root, 'notes.txt'), 'scratch\n');
    mkdirSync(join(root, 'k8s/dev/new'));
    writeFileSync(join(root, 'k8s/dev/new/a.yaml'), 'kind: ConfigMap\n');
    expect(fromIndex(root)?.sort()).toEqual(['k8s/dev/new/a.yaml', 'notes.txt']);
    rmSync(join(root, 'notes.txt'));
    rmSync(join(root, 'k8s/dev/new'), { recursive: true });

    // Same size, same mtime: the ctime (and git's stat data) still tell.
    const mtime = statSync(join(root, TOPIC), { bigint: true }).mtimeNs;
    sameSizeEdit(join(root, TOPIC));
    expect(statSync(join(root, TOPIC), { bigint: true }).mtimeNs).toBe(mtime);
    expect(fromIndex(root)).toContain(TOPIC);
    git(root, 'checkout', '-q', '--', TOPIC);
    await settledIndex(root);
    expect(fromIndex(root)).toEqual([]);

    // A mode change, a deletion, a file turned symlink.
    chmodSync(join(root, TOPIC), 0o755);
    expect(fromIndex(root)).toEqual([TOPIC]);
    chmodSync(join(root, TOPIC), 0o644);
    rmSync(join(root, TOPIC));
    expect(fromIndex(root)).toEqual([TOPIC]);
    symlinkSync('README.md', join(root, TOPIC));
    expect(fromIndex(root)).toEqual([TOPIC]);
    rmSync(join(root, TOPIC));
    git(root, 'checkout', '-q', '--', TOPIC);
    await settledIndex(root);
    expect(fromIndex(root)).toEqual([]);
  });

  it('lists an entry behind a symlinked directory, which git sees deleted', async () => {
    await using repo = await opsRepo();
    const root = repo.path;
    gitStatus(root);
    // The same inodes and times behind the link: lstat of the entry's path finds them intact.
    renameSync(join(root, 'k8s/dev/topics'), join(root, 'k8s/dev/moved'));
    symlinkSync('moved', join(root, 'k8s/dev/topics'));
    expect(gitStatus(root)).toContain(TOPIC);
    expect(fromIndex(root)).toContain(TOPIC);
  });

  it('lists a nested repository as git does: its directory, with a slash', async () => {
    await using repo = await opsRepo();
    const root = repo.path;
    gitStatus(root);
    mkdirSync(join(root, 'k8s/dev/vendored'));
    git(join(root, 'k8s/dev/vendored'), 'init', '-q');
    writeFileSync(join(root, 'k8s/dev/vendored/a.yaml'), 'kind: ConfigMap\n');
    expect(gitStatus(root)).toEqual(['k8s/dev/vendored/']);
    expect(fromIndex(root)).toContain('k8s/dev/vendored/');
  });

  it('lists every entry written no earlier than the index (racily clean: git reads them)', async () => {
    await using repo = await opsRepo();
    const root = repo.path;
    gitStatus(root);
    const tracked = git(root, 'ls-files').trim().split('\n');
    const index = join(root, '.git/index');
    utimesSync(index, new Date(2001, 0, 1), new Date(2001, 0, 1));
    expect(fromIndex(root)?.sort()).toEqual([...tracked].sort());
  });

  it('gives no answer when the index differs from the tree, or is not a plain v2/v3 index', async () => {
    await using repo = await opsRepo();
    const root = repo.path;
    const tree = git(root, 'rev-parse', 'HEAD^{tree}').trim();
    gitStatus(root);
    expect(indexPaths(root, tree)).toEqual([]);
    // Another tree than HEAD's (the stamp's commit moved): no answer.
    const other = git(root, 'rev-parse', 'HEAD:k8s').trim();
    expect(indexPaths(root, other)).toBeUndefined();
    // Staged: a changed file, then the same bytes as HEAD again in the work tree.
    const topic = join(root, TOPIC);
    const text = readFileSync(topic, 'utf8');
    writeFileSync(topic, `${text}# staged\n`);
    git(root, 'add', TOPIC);
    writeFileSync(topic, text);
    expect(gitStatus(root)).toEqual([TOPIC]);
    expect(indexPaths(root, tree)).toBeUndefined();
    // A mixed reset may leave the cache tree invalid (then no answer); read-tree primes it.
    git(root, 'reset', '-q');
    git(root, 'read-tree', 'HEAD');
    gitStatus(root);
    expect(indexPaths(root, tree)).toEqual([]);
    // A new file added with intent, then staged.
    writeFileSync(join(root, 'k8s/dev/added.yaml'), 'kind: ConfigMap\n');
    git(root, 'add', '-N', 'k8s/dev/added.yaml');
    expect(indexPaths(root, tree)).toBeUndefined();
    git(root, 'add', 'k8s/dev/added.yaml');
    expect(indexPaths(root, tree)).toBeUndefined();
    git(root, 'rm', '-q', '--cached', 'k8s/dev/added.yaml');
    rmSync(join(root, 'k8s/dev/added.yaml'));
    git(root, 'read-tree', 'HEAD');
    gitStatus(root);
    expect(indexPaths(root, tree)).toEqual([]);
    // Flags git honours without looking: the entry is listed (write-tree makes the cache
    // tree valid again after update-index dropped it).
    git(root, 'update-index', '--assume-unchanged', TOPIC);
    git(root, 'write-tree');
    expect(indexPaths(root, tree)).toEqual([TOPIC]);
    git(root, 'update-index', '--no-assume-unchanged', TOPIC);
    git(root, 'update-index', '--skip-worktree', TOPIC);
    git(root, 'write-tree');
    expect(indexPaths(root, tree)).toEqual([TOPIC]);
    git(root, 'update-index', '--no-skip-worktree', TOPIC);
    git(root, 'write-tree');
    gitStatus(root);
    expect(indexPaths(root, tree)).toEqual([]);
    // Index v4 (prefix-compressed paths): not read.
    git(root, 'update-index', '--index-version', '4');
    expect(indexPaths(root, tree)).toBeUndefined();
  });
});
