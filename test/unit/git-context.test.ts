import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planBundle } from '../../src/commands/bundle/plan.js';
import { contextOf } from '../../src/commands/context.js';
import { status } from '../../src/commands/status/status.js';
import { isAirgapError } from '../../src/errors.js';
import type { DirtyPath, TreeEntry } from '../../src/repo/git.js';
import { type Git, realGit } from '../../src/repo/git-access.js';
import { tempDir } from '../helpers/fixtures.js';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/**
 * Where src/ outside repo/ (which holds the git processes) may reach them other than through
 * context.git, and why. Any other file doing so is a second way around CommandContext.
 */
const ALLOWED: Record<string, string> = {
  'commands/context.ts': 'the default of CommandContext.git: the real git processes',
};

/**
 * What in a command's source starts git besides context.git: a value (not type-only) import
 * from repo/git.ts, repo/run-git.ts or repo/blob-reader.ts (static or on demand), the real Git
 * itself, or a child process of its own.
 */
function directGit(text: string): string[] {
  const found: string[] = [];
  const imports = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g;
  for (const [, typeOnly, names = '', from = ''] of text.matchAll(imports)) {
    if (from === 'node:child_process') found.push(from);
    if (typeOnly || !/\/repo\/(git|run-git|blob-reader|git-access)\.js$/.test(from)) continue;
    for (const name of names.split(',').map((n) => n.trim()))
      if (name && !name.startsWith('type ')) found.push(`${name} from ${from}`);
  }
  // A module loaded on demand (as bundle.ts loads bundle-build.js) counts too.
  for (const [, from] of text.matchAll(
    /import\(\s*'([^']*\/repo\/(?:git|run-git|blob-reader)\.js)'/g,
  ))
    found.push(`import(${from})`);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** A repo that exists only in these answers: no .git anywhere on disk. */
function standIn(root: string, answers: { dirty?: DirtyPath[] } = {}): Git & { asked: string[] } {
  const spec = [
    'name: dev-topics',
    'environment: dev',
    'description: topics',
    'files: [k8s/*.yaml]',
    's3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }',
  ].join('\n');
  const entry = (path: string, objectId: string): TreeEntry => ({
    path,
    mode: '100644',
    type: 'blob',
    objectId,
    size: 120,
  });
  const asked: string[] = [];
  const ask = <T>(what: string, value: T): Promise<T> => {
    asked.push(what);
    return Promise.resolve(value);
  };
  return {
    asked,
    run: (_cwd, args) => ask(`run ${args[0]}`, { stdout: Buffer.alloc(0), stderr: '', code: 0 }),
    repoRoot: () => ask('repoRoot', root),
    headTree: () => ask('headTree', undefined),
    headCommit: () =>
      ask('headCommit', { sha: 'c'.repeat(40), tree: 't'.repeat(40), time: 1.7e9, subject: 's' }),
    listTree: () =>
      ask('listTree', [
        entry('bundles/dev-topics.yaml', 'a'.repeat(40)),
        entry('k8s/topics.yaml', 'b'.repeat(40)),
        entry('README.md', 'd'.repeat(40)),
      ]),
    dirtyPaths: () => ask('dirtyPaths', answers.dirty ?? []),
    showCommittedFile: (_root, _commit, path) =>
      ask(`show ${path}`, path === 'bundles/dev-topics.yaml' ? Buffer.from(spec) : undefined),
    gitDirOf: () => ask('gitDirOf', join(root, 'elsewhere.git')),
    blobs: () => {
      throw new Error('planning reads no blob');
    },
  };
}

describe('CommandContext.git', () => {
  it('defaults to the real git processes and keeps a stand-in', () => {
    expect(contextOf().git).toBe(realGit);
    const git = standIn('/nowhere');
    expect(contextOf({ git }).git).toBe(git);
  });

  it('is the only way src/ outside repo/ starts git', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(srcDir)) {
      const rel = relative(srcDir, file).split('\\').join('/');
      if (rel in ALLOWED || rel.startsWith('repo/')) continue;
      for (const found of directGit(readFileSync(file, 'utf8'))) {
        // Capabilities start other tools (ssh-keygen, tar, gzip workers); commands start none.
        if (found === 'node:child_process' && !rel.startsWith('commands/')) continue;
        offenders.push(`${rel}: ${found}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the check above can fail: it sees a value import, not a type-only one', () => {
    expect(directGit("import { runGit } from '../repo/git.js';")).toEqual([
      'runGit from ../repo/git.js',
    ]);
    expect(directGit("import { type Commit, headCommit } from '../repo/git.js';")).toEqual([
      'headCommit from ../repo/git.js',
    ]);
    expect(directGit("import { BlobReader } from '../repo/blob-reader.js';")).toHaveLength(1);
    expect(directGit("import { spawn } from 'node:child_process';")).toHaveLength(1);
    expect(directGit("const { runGit } = await import('../repo/git.js');")).toEqual([
      'import(../repo/git.js)',
    ]);
    expect(directGit("import type { DirtyPath } from '../repo/git.js';")).toEqual([]);
    expect(directGit("import type { Git } from '../repo/git-access.js';")).toEqual([]);
  });

  it("plans a bundle from a stand-in's answers, in a directory that is no repo", async () => {
    await using tmp = await tempDir('airgap-git-standin-');
    const root = tmp.path;
    const git = standIn(root);
    const plan = await planBundle({ spec: 'bundles/dev-topics.yaml' }, { cwd: root, git });
    expect(plan.root).toBe(root);
    expect(plan.gitDir).toBe(join(root, 'elsewhere.git'));
    expect(plan.commit.sha).toBe('c'.repeat(40));
    expect(plan.entries.map((e) => e.path)).toEqual(['k8s/topics.yaml']);
    expect(plan.id).toMatch(/^dev-topics-[0-9a-z]+$/);
    expect(git.asked).toEqual(
      expect.arrayContaining(['repoRoot', 'headCommit', 'listTree', 'dirtyPaths']),
    );
    expect(git.asked).toContain('show bundles/dev-topics.yaml');
  });

  it("lists the tree of the commit .git's files named only when git's HEAD is that commit", async () => {
    await using tmp = await tempDir('airgap-git-standin-');
    const root = tmp.path;
    const head = 'c'.repeat(40);
    const plan = async (likely: string) => {
      const base = standIn(root);
      const listed: string[] = [];
      const git: Git = {
        ...base,
        // Another commit's tree holds another file: a plan from it would cover that one.
        listTree: async (at, commit) => {
          listed.push(commit);
          const entries = await base.listTree(at, commit);
          return commit === head
            ? entries
            : entries.map((e) =>
                e.path === 'k8s/topics.yaml' ? { ...e, path: 'k8s/old.yaml' } : e,
              );
        },
      };
      const done = await planBundle(
        { spec: 'bundles/dev-topics.yaml' },
        { cwd: root, git },
        root,
        Promise.resolve([]),
        likely,
      );
      return { paths: done.entries.map((e) => e.path), listed };
    };
    // HEAD moved after the files were read: git's commit is listed again and used.
    expect(await plan('e'.repeat(40))).toEqual({
      paths: ['k8s/topics.yaml'],
      listed: ['e'.repeat(40), head],
    });
    // The same commit: one listing, started before git named HEAD.
    expect(await plan(head)).toEqual({ paths: ['k8s/topics.yaml'], listed: [head] });
  });

  it('uses the `git show` asked before the plan only for the spec path the plan resolves', async () => {
    await using tmp = await tempDir('airgap-git-standin-');
    const root = tmp.path;
    const plan = async (earlyPath: string) => {
      const base = standIn(root);
      const spec = (await base.showCommittedFile(root, 'c'.repeat(40), 'bundles/dev-topics.yaml'))!;
      const answer = (sha: string) => ({
        commit: { sha, tree: 't'.repeat(40), time: 1.7e9, subject: 's' },
        file: spec,
      });
      const git: Git = {
        ...base,
        headCommitAndFile: async (_root, path) => {
          base.asked.push(`headCommitAndFile ${path}`);
          return answer('c'.repeat(40));
        },
      };
      // The early answer names another commit, so the plan shows which one it used.
      const shown = { specPath: earlyPath, answer: Promise.resolve(answer('e'.repeat(40))) };
      const done = await planBundle(
        { spec: 'bundles/dev-topics.yaml' },
        { cwd: root, git },
        root,
        Promise.resolve([]),
        undefined,
        undefined,
        shown,
      );
      return { sha: done.commit.sha, asked: base.asked.filter((a) => a.startsWith('head')) };
    };
    expect(await plan('bundles/dev-topics.yaml')).toEqual({ sha: 'e'.repeat(40), asked: [] });
    // Asked for another path: the plan asks git again for its own.
    expect(await plan('bundles/other.yaml')).toEqual({
      sha: 'c'.repeat(40),
      asked: ['headCommitAndFile bundles/dev-topics.yaml'],
    });
  });

  it("refuses the stand-in's dirty covered file as it would git's", async () => {
    await using tmp = await tempDir('airgap-git-standin-');
    const root = tmp.path;
    const git = standIn(root, { dirty: [{ path: 'k8s/topics.yaml', status: ' M' }] });
    const planned = planBundle({ spec: 'bundles/dev-topics.yaml' }, { cwd: root, git });
    const error = await planned.catch((e: unknown) => e);
    if (!isAirgapError(error)) throw new Error(`expected an AirgapError, got ${String(error)}`);
    expect(error.message).toBe('1 file(s) the bundle covers differ from the HEAD commit');
    expect(error.details).toEqual(['modified: k8s/topics.yaml']);
    // The same stand-in's answer with --allow-dirty: packed as committed, with a warning.
    const allowed = await planBundle(
      { spec: 'bundles/dev-topics.yaml', allowDirty: true },
      { cwd: root, git },
    );
    expect(allowed.dirty).toEqual([{ path: 'k8s/topics.yaml', status: ' M' }]);
  });

  it('runs status through context.git: the real git refuses the same directory', async () => {
    await using tmp = await tempDir('airgap-git-standin-');
    const root = tmp.path;
    await expect(status({ context: { cwd: root } })).rejects.toThrow(
      /is not inside a git repository/,
    );
    const git = standIn(root);
    const result = await status({ context: { cwd: root, git } });
    expect(result.environments).toEqual([]);
    expect(git.asked).toEqual(['repoRoot']);
  });
});
