import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { type Git, realGit } from '../../src/repo/git-access.js';
import { opsRepo } from '../helpers/fixtures.js';

/** The real git, noting which member each call went through. */
function recording(): { git: Git; asked: string[] } {
  const asked: string[] = [];
  const git = Object.fromEntries(
    Object.entries(realGit).map(([name, member]) => [
      name,
      (...args: unknown[]) => {
        asked.push(name);
        return (member as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as Git;
  return { git, asked };
}

describe('a whole bundle through context.git', () => {
  it('plans, packs and reruns with the git it is given', async () => {
    await using repo = await opsRepo();
    const out = repo.dir();
    const first = recording();
    const built = await bundle({
      spec: 'dev-topics',
      repo: repo.path,
      out,
      context: { git: first.git },
    });
    expect(built.alreadyPrepared).toBe(false);
    // headTree named the root (no repoRoot), one git show HEAD and the spec (no headCommit or
    // showCommittedFile); the pack phase read the blobs through the context too.
    expect(new Set(first.asked)).toEqual(
      new Set(['headTree', 'dirtyPaths', 'headCommitAndFile', 'listTree', 'gitDirOf', 'blobs']),
    );
    // One git status: the rerun check started it beside rev-parse and the plan was handed it.
    expect(first.asked.filter((name) => name === 'dirtyPaths')).toHaveLength(1);
    const again = recording();
    const rerun = await bundle({
      spec: 'dev-topics',
      repo: repo.path,
      out,
      context: { git: again.git },
    });
    expect(rerun.alreadyPrepared).toBe(true);
    expect(rerun.record.id).toBe(built.record.id);
    // The unchanged rerun's two git processes (bundle-rerun.ts), both asked of the context.
    expect(again.asked).toEqual(['headTree', 'dirtyPaths']);
  });
});
