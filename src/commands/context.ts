import { type Git, realGit } from '../repo/git-access.js';
import { realTransactionFs, type TransactionFs } from '../util/transaction.js';

/**
 * What a command takes from the world besides its options: the clock, the working directory,
 * standard input, git and the file-system calls of its document writes. Every command takes
 * `context?: Partial<CommandContext>`, and what is left out is the real thing (`contextOf`);
 * a test passes a stopped clock, a directory, bytes for stdin, a git stand-in or a failing disk
 * here instead of patching globals. No command reads these any other way.
 */
export interface CommandContext {
  /** The time now: every date a command writes and every duration it reports. */
  now: () => Date;
  /** Where relative paths given in the options start. */
  cwd: string;
  /** Standard input, opened only when a command reads it (`ingest -`). */
  stdin: () => AsyncIterable<Buffer>;
  /** Every git process a command starts (repo root, HEAD, tree, status, blobs, diffs). */
  git: Git;
  /** The file-system calls of the all-or-nothing document writes (transaction.ts). */
  documentFs: TransactionFs;
}

export function contextOf(given: Partial<CommandContext> = {}): CommandContext {
  return {
    now: given.now ?? (() => new Date()),
    cwd: given.cwd ?? process.cwd(),
    stdin: given.stdin ?? (() => process.stdin),
    git: given.git ?? realGit,
    documentFs: given.documentFs ?? realTransactionFs,
  };
}

/** A clock stopped at `iso`: what tests pass as `context.now`. */
export function stoppedClock(iso: string): () => Date {
  const at = new Date(iso);
  return () => new Date(at);
}
