import { execFileSync } from 'node:child_process';

/**
 * Who commits and when, in every repo the tests, the demo and the bench build: a machine
 * without a git identity still commits, and a fixture's commit ids and times are the same on
 * every run (a record's commitTime and the order of records follow from them).
 */
export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Ops Person',
  GIT_AUTHOR_EMAIL: 'ops@example.com',
  GIT_COMMITTER_NAME: 'Ops Person',
  GIT_COMMITTER_EMAIL: 'ops@example.com',
  GIT_AUTHOR_DATE: '2026-02-13T09:00:00Z',
  GIT_COMMITTER_DATE: '2026-02-13T09:00:00Z',
};

/** Where git runs; `input` is its stdin (e.g. `hash-object --stdin`). */
export type GitAt = string | { cwd: string; input?: string };

/**
 * Runs git and returns its stdout; a non-zero exit throws with git's stderr. The one git
 * helper of the tests and scripts/ (the product's own calls are in src/repo/git.ts).
 */
export function git(at: GitAt, ...args: string[]): string {
  const { cwd, input } = typeof at === 'string' ? { cwd: at, input: undefined } : at;
  return execFileSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Stages everything and commits (empty commits too); returns the new HEAD. */
export function commitAll(repo: string, message = 'change'): string {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', message);
  return git(repo, 'rev-parse', 'HEAD').trim();
}
