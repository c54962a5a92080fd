import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, git } from '../../scripts/lib/git.js';
import { fixture, opsRepo, tempDir } from '../helpers/fixtures.js';
import { exampleRepo } from '../helpers/ops-repo.js';

// What each fixture made, read after the test that made it has ended.
const made: string[] = [];

describe('declared fixtures', () => {
  it.fails('a test that throws still removes its fixtures', async () => {
    await using repo = await opsRepo();
    await using tmp = await tempDir();
    made.push(repo.path, repo.dir(), tmp.path, tmp.dir());
    throw new Error('the test failed');
  });

  it('left nothing behind', () => {
    expect(made).toHaveLength(4);
    for (const path of made) expect(existsSync(path)).toBe(false);
  });

  it('makes each ops repo a fresh committed copy, the same commit every time', async () => {
    await using a = await opsRepo();
    await using b = await opsRepo();
    expect(a.path).not.toBe(b.path);
    const head = git(a.path, 'rev-parse', 'HEAD').trim();
    expect(git(b.path, 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(git(a.path, 'log', '--format=%s|%an|%aI|%cI')).toBe(
      'Initial ops repo|Ops Person|2026-02-13T09:00:00+00:00|2026-02-13T09:00:00+00:00\n',
    );
    // The same commit as examples/kafka-ops committed from scratch.
    await using scratch = await tempDir();
    const fresh = join(scratch.path, 'kafka-ops');
    cpSync(exampleRepo, fresh, { recursive: true });
    git(fresh, 'init', '-q', '-b', 'main');
    expect(commitAll(fresh, 'Initial ops repo')).toBe(head);
    expect(git(a.path, 'status', '--porcelain')).toBe('');
    // A change in one copy is not in the next one.
    writeFileSync(join(a.path, 'README.md'), 'changed\n');
    await using c = await opsRepo();
    expect(readFileSync(join(c.path, 'README.md'), 'utf8')).not.toBe('changed\n');
    expect(git(c.path, 'status', '--porcelain')).toBe('');
  });

  describe('a fixture shared by a block', () => {
    const shared = fixture(() => tempDir());
    it('is made before the tests of its block', () => {
      made.push(shared().path);
      expect(existsSync(shared().path)).toBe(true);
    });
  });

  it('is removed after its block', () => {
    expect(existsSync(made.at(-1) ?? '')).toBe(false);
  });
});
