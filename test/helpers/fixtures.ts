import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { commitAll, GIT_ENV, git } from '../../scripts/lib/git.js';
import { exampleRepo } from './ops-repo.js';

/**
 * Temp state a test declares: `await using tmp = await tempDir()` removes the directory when the
 * test's block ends, whether it passed or threw. Helpers that need scratch space (a bastion's
 * HOME, a bin dir, a saved paste) take the fixture and make it inside with `dir()`, so a test
 * owns everything it made and nothing outlives it; there is no module-level cleanup list.
 */
export interface TempDir extends AsyncDisposable {
  /** The directory itself (for an ops repo: the repo's work tree). */
  readonly path: string;
  /** A new empty directory inside the fixture, removed with it. */
  dir(prefix?: string): string;
}

/** A committed ops repo (examples/kafka-ops) in its own temp dir; `dir()` makes room beside it. */
export interface OpsRepo extends TempDir {}

function fixtureAt(root: string, path: string): TempDir {
  return {
    path,
    dir: (prefix = 'tmp-') => mkdtempSync(join(root, prefix)),
    // Retried: a shell a test ended (tmux kill-server, a pty's hang-up) may still be writing
    // its history into the fake home while the tree is removed (ENOTEMPTY).
    [Symbol.asyncDispose]: () =>
      rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }),
  };
}

/** An empty temp directory, removed on dispose. */
export async function tempDir(prefix = 'airgap-test-'): Promise<TempDir> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return fixtureAt(root, root);
}

// One committed copy of examples/kafka-ops that every opsRepo() copies. The commit is the same
// bytes either way (fixed identity and dates in GIT_ENV, same tree), so commit ids and times
// match a repo committed from scratch, for four git processes fewer per repo. The copy lives in
// a dir named after a hash of the example's files and GIT_ENV, shared by every worker and run:
// a worker ends without running exit handlers, so a per-worker copy would be left behind each
// time; this one is left once per version of the example. It is made under another name and
// renamed into place, so a worker never copies a half-made template.
let template: string | undefined;

function exampleHash(): string {
  const hash = createHash('sha256').update(JSON.stringify(GIT_ENV));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      hash.update(`${relative(exampleRepo, path)}\0${statSync(path).mode}\0`);
      if (entry.isDirectory()) walk(path);
      else hash.update(readFileSync(path));
    }
  };
  walk(exampleRepo);
  return hash.digest('hex').slice(0, 16);
}

function templateRepo(): string {
  if (template) return template;
  const root = join(tmpdir(), `airgap-ops-template-${exampleHash()}`);
  if (!existsSync(root)) {
    const making = mkdtempSync(`${root}.making-`);
    const repo = join(making, 'kafka-ops');
    cpSync(exampleRepo, repo, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    commitAll(repo, 'Initial ops repo');
    try {
      renameSync(making, root);
    } catch {
      // Another worker renamed its copy into place first: the same bytes.
      rmSync(making, { recursive: true, force: true });
    }
  }
  template = join(root, 'kafka-ops');
  return template;
}

/** A fresh, committed copy of examples/kafka-ops (one commit, "Initial ops repo"). */
export async function opsRepo(): Promise<OpsRepo> {
  const root = mkdtempSync(join(tmpdir(), 'airgap-ops-'));
  const repo = join(root, 'kafka-ops');
  cpSync(templateRepo(), repo, { recursive: true });
  return fixtureAt(root, repo);
}

/**
 * A fixture shared by the tests of a describe block (or file): made in beforeAll, disposed in
 * afterAll, read through the returned getter. The one way to share a fixture; a test's own
 * fixtures are declared with `await using`.
 */
export function fixture<T extends AsyncDisposable>(make: () => Promise<T>): () => T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await make();
  });
  afterAll(async () => {
    await value?.[Symbol.asyncDispose]();
    value = undefined;
  });
  return () => {
    if (!value) throw new Error('fixture read outside the tests of its block');
    return value;
  };
}
