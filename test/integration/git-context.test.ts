import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { type Git, realGit } from '../../src/repo/git-access.js';
import { expectAirgapError } from '../helpers/errors.js';
import { opsRepo } from '../helpers/fixtures.js';
import { git } from '../helpers/ops-repo.js';

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
  it('a first bundle runs no git status when the index vouches for the covered paths', async () => {
    await using repo = await opsRepo();
    const out = repo.dir();
    const first = () => {
      const { git: through, asked } = recording();
      const done = bundle({ spec: 'dev-topics', repo: repo.path, out, context: { git: through } });
      return { done, asked };
    };
    // git's own status writes the copy's stat data back: the index now vouches for its files.
    git(repo.path, 'status');
    // A covered file changed: the index lists it, so git status decides, and refuses as before.
    const topic = join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml');
    writeFileSync(topic, 'kind: ConfigMap\n');
    const dirty = first();
    const refused = await expectAirgapError(dirty.done);
    expect(refused.exitCode).toBe(4);
    expect(refused.details).toEqual(['modified: k8s/dev/topics/kafka-topic-quote-priced.yaml']);
    expect(dirty.asked).toEqual(expect.arrayContaining(['statusFromIndex', 'dirtyPaths']));
    // Committed state again, and an untracked file no spec covers, which the index lists:
    // the bundle is built without a git status.
    git(repo.path, 'checkout', '-q', '--', topic);
    git(repo.path, 'status');
    writeFileSync(join(repo.path, 'notes.txt'), 'scratch\n');
    const clean = first();
    const built = await clean.done;
    expect(built.alreadyPrepared).toBe(false);
    expect(built.dirty).toEqual([]);
    expect(clean.asked).toContain('statusFromIndex');
    expect(clean.asked).not.toContain('dirtyPaths');
  });

  it('plans, packs and reruns with the git it is given', async () => {
    await using repo = await opsRepo();
    const out = repo.dir();
    /** dev-topics bundled from `dir` through a recording git: the result, the members asked. */
    const recorded = async (dir = repo.path) => {
      const { git: through, asked } = recording();
      const result = await bundle({
        spec: 'dev-topics',
        repo: dir,
        out,
        context: { git: through },
      });
      return { result, asked };
    };
    const first = await recorded();
    const built = first.result;
    expect(built.alreadyPrepared).toBe(false);
    // HEAD read from .git's files named the root (no repoRoot, no rev-parse: no stamp to
    // compare with yet), one git show HEAD and the spec (no headCommit or showCommittedFile);
    // the pack phase read the blobs through the context too. The index was asked first (its
    // header said it might vouch): the copy's stale stat data listed covered paths, so git
    // status decided.
    expect(new Set(first.asked)).toEqual(
      new Set([
        'headFromFiles',
        'indexMayVouch',
        'statusFromIndex',
        'dirtyPaths',
        'headCommitAndFile',
        'listTree',
        'gitDirOf',
        'blobs',
      ]),
    );
    // One git status: the plan started it when the index's list covered the spec's paths.
    expect(first.asked.filter((name) => name === 'dirtyPaths')).toHaveLength(1);
    // One ls-tree: bundle() started it while the plan's modules loaded, and the plan used it.
    expect(first.asked.filter((name) => name === 'listTree')).toHaveLength(1);
    // The fixture's copy left every index entry's stat data stale; the first bundle's git
    // status wrote it back (git's optional index lock), so the index can vouch now.
    const again = await recorded();
    const rerun = again.result;
    expect(rerun.alreadyPrepared).toBe(true);
    expect(rerun.record.id).toBe(built.record.id);
    // The unchanged rerun (bundle-rerun.ts): HEAD from the files, the status from the index,
    // both asked of the context; no git process. (Was ['headFromFiles', 'dirtyPaths'].)
    expect(again.asked).toEqual(['headFromFiles', 'statusFromIndex']);

    // The same commit reached other ways: packed refs, a branch with slashes, detached.
    const rerun2 = async () => {
      const { result, asked } = await recorded();
      return { prepared: result.alreadyPrepared, asked };
    };
    const fromFiles = { prepared: true, asked: ['headFromFiles', 'statusFromIndex'] };
    git(repo.path, 'pack-refs', '--all');
    expect(await rerun2()).toEqual(fromFiles);
    git(repo.path, 'checkout', '-q', '-b', 'team/dev/topics');
    git(repo.path, 'status');
    expect(await rerun2()).toEqual(fromFiles);
    git(repo.path, 'checkout', '-q', '--detach');
    git(repo.path, 'status');
    expect(await rerun2()).toEqual(fromFiles);
    // Dirt in a covered file is still refused there.
    const topic = join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml');
    writeFileSync(topic, 'kind: ConfigMap\n');
    expect(
      (await expectAirgapError(bundle({ spec: 'dev-topics', repo: repo.path, out }))).exitCode,
    ).toBe(4);
    git(repo.path, 'checkout', '-q', '--', topic);
    // Another commit with the same tree: the stamp's commit no longer vouches for it, git is
    // asked for HEAD's tree, which is still the stamp's.
    git(repo.path, 'commit', '-q', '--allow-empty', '-m', 'empty');
    expect(await rerun2()).toEqual({
      prepared: true,
      asked: ['headFromFiles', 'dirtyPaths', 'headTree'],
    });
    // A linked worktree is not read from files: rev-parse, as before.
    const linked = join(repo.dir(), 'linked');
    git(repo.path, 'worktree', 'add', '-q', '--detach', linked);
    const inLinked = await recorded(linked);
    const there = inLinked.result;
    expect(there.record.id).toBe(built.record.id);
    expect(inLinked.asked.slice(0, 3)).toEqual(['headFromFiles', 'headTree', 'dirtyPaths']);
  });
});
