import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, git } from '../../scripts/lib/git.js';
import { headFromFiles } from '../../src/repo/head-files.js';
import { opsRepo, tempDir } from '../helpers/fixtures.js';

/** What git itself says: the answer headFromFiles must give whenever it gives one. */
function gitSays(dir: string): { root: string; gitDir: string; commit: string } {
  const [root = '', gitDir = '', commit = ''] = git(
    dir,
    'rev-parse',
    '--show-toplevel',
    '--absolute-git-dir',
    'HEAD',
  )
    .trim()
    .split('\n');
  return { root, gitDir, commit };
}

function expectSameAsGit(dir: string): string {
  const said = gitSays(dir);
  expect(headFromFiles(dir)).toEqual(said);
  return said.commit;
}

describe('headFromFiles: HEAD read from the files under .git', () => {
  it('answers as git does for loose and packed refs, slashes, a detached HEAD, any directory', async () => {
    await using repo = await opsRepo();
    const first = expectSameAsGit(repo.path);
    expectSameAsGit(join(repo.path, 'k8s/dev'));
    // Through a symlink: git names the resolved directory, and so must the stamp's root.
    await using elsewhere = await tempDir();
    symlinkSync(repo.path, join(elsewhere.path, 'link'));
    expect(headFromFiles(join(elsewhere.path, 'link'))?.root).toBe(realpathSync(repo.path));

    // Packed refs only, then a loose ref newer than its packed line (the loose one wins).
    git(repo.path, 'pack-refs', '--all');
    expect(expectSameAsGit(repo.path)).toBe(first);
    const second = commitAll(repo.path, 'second');
    expect(second).not.toBe(first);
    expect(expectSameAsGit(repo.path)).toBe(second);

    // A branch with slashes, loose and packed.
    git(repo.path, 'checkout', '-q', '-b', 'team/dev/topics');
    const third = commitAll(repo.path, 'third');
    expect(expectSameAsGit(repo.path)).toBe(third);
    git(repo.path, 'pack-refs', '--all');
    expect(expectSameAsGit(repo.path)).toBe(third);

    // Detached at an older commit.
    git(repo.path, 'checkout', '-q', '--detach', first);
    expect(expectSameAsGit(repo.path)).toBe(first);
  });

  it('leaves every layout it does not read to git', async () => {
    await using repo = await opsRepo();
    expect(headFromFiles(repo.path)).toBeDefined();
    // Inside .git there is no work tree.
    expect(headFromFiles(join(repo.path, '.git/refs'))).toBeUndefined();

    // A linked worktree: its .git is a file.
    await using elsewhere = await tempDir();
    const linked = join(elsewhere.path, 'linked');
    git(repo.path, 'worktree', 'add', '-q', '-b', 'other', linked);
    expect(gitSays(linked).commit).toMatch(/^[0-9a-f]{40}$/);
    expect(headFromFiles(linked)).toBeUndefined();

    // GIT_DIR (or any variable that moves the repo) set: git decides. Others change nothing.
    expect(headFromFiles(repo.path, { GIT_DIR: join(repo.path, '.git') })).toBeUndefined();
    expect(
      headFromFiles(repo.path, { GIT_CONFIG_PARAMETERS: "'core.bare'='true'" }),
    ).toBeUndefined();
    expect(headFromFiles(repo.path, { GIT_SSL_CAINFO: '/etc/ssl/ca.pem' })).toBeDefined();

    // A symref chain: HEAD -> refs/heads/alias -> refs/heads/main.
    git(repo.path, 'symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
    git(repo.path, 'symbolic-ref', 'HEAD', 'refs/heads/alias');
    expect(gitSays(repo.path).commit).toMatch(/^[0-9a-f]{40}$/);
    expect(headFromFiles(repo.path)).toBeUndefined();
    git(repo.path, 'symbolic-ref', 'HEAD', 'refs/heads/main');
    expect(headFromFiles(repo.path)).toBeDefined();

    // core.worktree moves the work tree away from the directory holding .git.
    git(repo.path, 'config', 'core.worktree', repo.path);
    expect(headFromFiles(repo.path)).toBeUndefined();
    git(repo.path, 'config', '--unset', 'core.worktree');
    expect(headFromFiles(repo.path)).toBeDefined();

    // An unborn branch names no commit.
    git(repo.path, 'checkout', '-q', '--orphan', 'empty');
    expect(headFromFiles(repo.path)).toBeUndefined();
  });

  it('gives undefined outside any repo', async () => {
    await using dir = await tempDir();
    mkdirSync(join(dir.path, 'a'));
    writeFileSync(join(dir.path, 'a/file'), 'x');
    expect(headFromFiles(join(dir.path, 'a'))).toBeUndefined();
  });
});
