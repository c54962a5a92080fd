/**
 * HEAD's commit read from the files under .git, without a git process: the unchanged rerun's
 * `git rev-parse` cost as much CPU as the rest of the rerun's own work (node waits in spawn
 * until the child has exec'd). Only the plain layout is read: a `.git` directory found by
 * walking up from the directory, owned by this user, on one file system, with HEAD naming a
 * branch whose ref is a loose file or a line of packed-refs, or a detached commit id. Anything
 * else (a `.git` file of a worktree or submodule, GIT_* variables that move the repo, reftable,
 * a core.worktree or include in the config, a symref chain, an unborn branch) gives undefined,
 * and the caller asks git. The answer only ever names a commit; the caller trusts it only when
 * it is the very commit a stamp recorded, and `git status` still runs for the working copy.
 */
import { lstatSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { OBJECT_ID } from './git.js';

export interface HeadFromFiles {
  root: string;
  gitDir: string;
  commit: string;
}

// Variables that move the repo, its work tree or config, or what git reads as refs; with any
// of them set git decides. Others (GIT_SSL_CAINFO, GIT_SSH_COMMAND, the fixtures' identities)
// are common in a shell and change none of that.
const MOVING_ENV =
  /^GIT_(?:DIR|WORK_TREE|COMMON_DIR|CEILING_DIRECTORIES|DISCOVERY_ACROSS_FILESYSTEM|NAMESPACE|CONFIG\w*|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|REPLACE_REF_BASE|NO_REPLACE_OBJECTS|TEST_\w*)$/;
// Config that moves the work tree, changes the ref store or pulls in other files.
const UNUSUAL_CONFIG = /worktree|refstorage|include|^\s*bare\s*=\s*true/im;

function statOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A branch name git would accept and this reader can map to a file without surprises. */
function plainBranchRef(ref: string): boolean {
  return (
    /^refs\/heads\/[A-Za-z0-9._/-]+$/.test(ref) &&
    !ref.split('/').some((part) => part === '' || part.startsWith('.') || part.endsWith('.lock')) &&
    !ref.includes('..')
  );
}

/** The commit a branch ref names: its loose file, else its packed-refs line. */
function readBranch(gitDir: string, ref: string): string | undefined {
  const loose = statOrUndefined(join(gitDir, ref));
  if (loose) {
    if (!loose.isFile()) return undefined;
    const id = readOrUndefined(join(gitDir, ref))?.trimEnd();
    return id && OBJECT_ID.test(id) ? id : undefined;
  }
  const packed = readOrUndefined(join(gitDir, 'packed-refs'));
  if (packed === undefined) return undefined;
  for (const line of packed.split('\n')) {
    // "<id> <ref>" lines; "# pack-refs with:" headers and "^<id>" peeled tags are skipped.
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(space + 1) === ref) {
      const id = line.slice(0, space);
      return OBJECT_ID.test(id) ? id : undefined;
    }
  }
  return undefined;
}

export function headFromFiles(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): HeadFromFiles | undefined {
  try {
    for (const name of Object.keys(env)) if (MOVING_ENV.test(name)) return undefined;
    // git works from the physical directory: --show-toplevel names the resolved path.
    const start = realpathSync(cwd);
    const uid = process.getuid?.();
    const startDev = statOrUndefined(start)?.dev;
    let root = start;
    let gitDirStat: Stats | undefined;
    for (;;) {
      const dot = statOrUndefined(join(root, '.git'));
      if (dot) {
        if (!dot.isDirectory()) return undefined; // a worktree's or submodule's .git file
        gitDirStat = dot;
        break;
      }
      const parent = dirname(root);
      // git stops at a file-system boundary unless told otherwise: leave that to git.
      if (parent === root || statOrUndefined(parent)?.dev !== startDev) return undefined;
      root = parent;
    }
    // Inside .git itself git has no work tree; leave that (and its error) to git.
    if (relative(root, start).split(sep).includes('.git')) return undefined;
    const gitDir = join(root, '.git');
    // git refuses a repo another user owns (safe.directory): leave that refusal to git.
    const rootStat = statOrUndefined(root);
    if (uid !== undefined && (gitDirStat.uid !== uid || rootStat?.uid !== uid)) return undefined;
    if (statOrUndefined(join(gitDir, 'reftable'))) return undefined;
    if (statOrUndefined(join(gitDir, 'commondir'))) return undefined;
    const config = readOrUndefined(join(gitDir, 'config'));
    if (config === undefined || UNUSUAL_CONFIG.test(config)) return undefined;
    const head = readOrUndefined(join(gitDir, 'HEAD'))?.trimEnd();
    if (head === undefined) return undefined;
    let commit: string | undefined;
    if (OBJECT_ID.test(head)) commit = head;
    else if (head.startsWith('ref: ')) {
      const ref = head.slice(5);
      if (!plainBranchRef(ref)) return undefined;
      commit = readBranch(gitDir, ref);
    }
    return commit ? { root, gitDir, commit } : undefined;
  } catch {
    return undefined;
  }
}
