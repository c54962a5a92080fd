import type { BlobReader } from './blob-reader.js';
import {
  type Commit,
  type DirtyPath,
  dirtyPaths,
  gitDirOf,
  headCommit,
  headCommitAndFile,
  headTree,
  listTree,
  rememberGitDir,
  repoRoot,
  showCommittedFile,
  type TreeEntry,
} from './git.js';
import { type HeadFromFiles, headFromFiles } from './head-files.js';
import { indexMayVouch, statusFromIndex } from './index-status.js';
import { type GitResult, runGit } from './run-git.js';
import { type BlobEntry, WorktreeBlobs } from './worktree-blobs.js';

/** What a command reads of the blobs it packs, in the order it asked for them (BlobReader). */
export type Blobs = Pick<BlobReader, 'read' | 'next' | 'readAll' | 'close'>;

/**
 * Everything the commands ask of git, as one value: `CommandContext.git`. The real one
 * (`realGit`) runs git processes (git.ts, blob-reader.ts); a test can answer from memory
 * instead. Each member has the meaning and errors of the git.ts function of the same name.
 */
export interface Git {
  /** Any other git command, with the fixed locale of runGit; never throws on a non-zero exit. */
  run(cwd: string, args: readonly string[], input?: string): Promise<GitResult>;
  repoRoot(cwd: string): Promise<string>;
  headTree(cwd: string): Promise<{ root: string; gitDir: string; tree: string } | undefined>;
  /**
   * Root, .git directory and HEAD's commit read from the files under .git (head-files.ts), or
   * undefined for any layout but the plain one. Optional: without it (a stand-in) the rerun
   * asks headTree.
   */
  headFromFiles?(cwd: string): HeadFromFiles | undefined;
  headCommit(root: string): Promise<Commit>;
  /**
   * headCommit and showCommittedFile in one git process, or undefined for anything but a plain
   * answer. Optional: without it (a stand-in) the plan asks those two.
   */
  headCommitAndFile?(
    root: string,
    path: string,
  ): Promise<{ commit: Commit; file: Buffer } | undefined>;
  listTree(root: string, commit: string): Promise<TreeEntry[]>;
  dirtyPaths(root: string): Promise<DirtyPath[]>;
  /**
   * A superset of dirtyPaths read from .git/index and the work tree when the index matches
   * `headTree` (index-status.ts), else undefined. Optional: without it the rerun asks git.
   */
  statusFromIndex?(root: string, gitDir: string, headTree: string): DirtyPath[] | undefined;
  /**
   * Whether statusFromIndex may answer in this .git (its index's header: plain, small enough);
   * false means only git can. Optional: without it a first bundle starts `git status` at once.
   */
  indexMayVouch?(gitDir: string): boolean;
  showCommittedFile(root: string, commit: string, path: string): Promise<Buffer | undefined>;
  gitDirOf(root: string): Promise<string>;
  /**
   * Starts reading these entries' blobs: from the work tree where its file hashes to the
   * entry's id, else from one `git cat-file --batch` (worktree-blobs.ts); close it when done.
   */
  blobs(root: string, entries: readonly BlobEntry[]): Blobs;
}

export const realGit: Git = {
  run: runGit,
  repoRoot,
  headTree,
  headFromFiles: (cwd) => {
    const head = headFromFiles(cwd);
    if (head) rememberGitDir(head.root, head.gitDir);
    return head;
  },
  headCommit,
  headCommitAndFile,
  listTree,
  dirtyPaths,
  statusFromIndex,
  indexMayVouch,
  showCommittedFile,
  gitDirOf,
  blobs: (root, entries) => new WorktreeBlobs(root, entries),
};
