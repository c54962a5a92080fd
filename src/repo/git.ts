import { isUtf8 } from 'node:buffer';
import { AirgapError } from '../errors.js';
import { gitOk, runGit, runGitToFile } from './run-git.js';

/** A full object id, SHA-1 or SHA-256. */
export const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The .git directory of each root repoRoot found: the same rev-parse answers both. */
const gitDirs = new Map<string, string>();

/** A root and .git directory found without git (head-files.ts), for gitDirOf to answer. */
export function rememberGitDir(root: string, gitDir: string): void {
  gitDirs.set(root, gitDir);
}

export async function repoRoot(cwd: string): Promise<string> {
  const result = await runGit(cwd, ['rev-parse', '--show-toplevel', '--absolute-git-dir']);
  if (result.code !== 0) {
    throw new AirgapError(`${cwd} is not inside a git repository`, {
      hint: 'run airgap from the ops repo or pass --repo DIR',
      code: 'usage',
    });
  }
  const lines = result.stdout.toString('utf8').trim().split('\n');
  // A path holding a newline makes more than two lines: then ask for the top level alone.
  if (lines.length !== 2)
    return (await gitOk(cwd, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  const [root = '', gitDir = ''] = lines;
  gitDirs.set(root, gitDir);
  return root;
}

/**
 * Root, .git directory and HEAD's tree from one git process, or undefined when the answer is
 * not that plain (no repo, no commit, a newline in a path): the caller then asks the usual
 * way and reports what is wrong. For the unchanged rerun, which can afford two git processes.
 */
export async function headTree(
  cwd: string,
): Promise<{ root: string; gitDir: string; tree: string } | undefined> {
  const result = await runGit(cwd, [
    'rev-parse',
    '--show-toplevel',
    '--absolute-git-dir',
    'HEAD^{tree}',
  ]);
  const lines = result.stdout.toString('utf8').split('\n');
  if (result.code !== 0 || lines.length !== 4 || lines[3] !== '') return undefined;
  const [root = '', gitDir = '', tree = ''] = lines;
  if (!root || !gitDir || !OBJECT_ID.test(tree)) return undefined;
  gitDirs.set(root, gitDir);
  return { root, gitDir, tree };
}

export interface Commit {
  sha: string;
  /** Its tree's object id: names the committed content, whatever commit carries it. */
  tree: string;
  /** Committer time, seconds since the epoch. */
  time: number;
  subject: string;
}

export async function headCommit(root: string): Promise<Commit> {
  const result = await runGit(root, ['log', '-1', '--format=%H%x00%T%x00%ct%x00%s', 'HEAD']);
  if (result.code !== 0) {
    throw new AirgapError(`${root} has no commits yet`, {
      hint: 'commit the files to ship first: airgap only packs committed content',
      code: 'dirtyTree',
    });
  }
  const [sha = '', tree = '', time = '0', subject = ''] = result.stdout
    .toString('utf8')
    .trim()
    .split('\0');
  return { sha, tree, time: Number(time), subject };
}

export interface TreeEntry {
  path: string;
  /** Octal git mode: 100644, 100755, 120000 (symlink), 160000 (submodule). */
  mode: string;
  type: 'blob' | 'commit' | 'tree';
  objectId: string;
  size: number;
  /** The name's bytes, kept only when they are not valid UTF-8 (`path` is then lossy). */
  rawName?: Buffer;
}

export function parseLsTree(output: Buffer): TreeEntry[] {
  if (isUtf8(output)) return parseUtf8LsTree(output.toString('utf8'));
  const entries: TreeEntry[] = [];
  // Split the bytes, not a decoded string: a name that is not UTF-8 must stay recognisable
  // (decoding turns two such names into the same U+FFFD string).
  let start = 0;
  while (start < output.length) {
    let end = output.indexOf(0, start);
    if (end < 0) end = output.length;
    const record = output.subarray(start, end);
    start = end + 1;
    if (!record.length) continue;
    const tab = record.indexOf(9);
    const [mode = '', type = '', objectId = '', size = '-'] = record
      .subarray(0, tab)
      .toString('latin1')
      .split(/ +/);
    const name = record.subarray(tab + 1);
    entries.push({
      path: name.toString('utf8'),
      mode,
      type: type as TreeEntry['type'],
      objectId,
      size: size === '-' ? 0 : Number(size),
      ...(isUtf8(name) ? {} : { rawName: Buffer.from(name) }),
    });
  }
  return entries;
}

/**
 * The common case, every name UTF-8: one decode and string splits instead of a decode per
 * name (a tenth of a second on 50,000 files). Every part of valid UTF-8 split at NUL and tab is
 * valid UTF-8 too, so no entry needs its raw bytes.
 */
function parseUtf8LsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let start = 0;
  while (start < output.length) {
    let end = output.indexOf('\0', start);
    if (end < 0) end = output.length;
    if (end > start) entries.push(utf8Record(output, start, end));
    start = end + 1;
  }
  return entries;
}

/**
 * One record, `<mode> <type> <id> <padded size>\t<name>`, read by index from the whole output:
 * no string per record and no regex split per header (88 -> 40 ms for 50,000 records). A
 * header of any other shape is split as before.
 */
function utf8Record(output: string, start: number, end: number): TreeEntry {
  const tab = output.indexOf('\t', start);
  const afterMode = output.indexOf(' ', start);
  const afterType = output.indexOf(' ', afterMode + 1);
  const afterId = output.indexOf(' ', afterType + 1);
  const plain =
    tab >= 0 &&
    tab < end &&
    afterMode > start &&
    afterType > afterMode + 1 &&
    afterId > afterType + 1 &&
    afterId < tab;
  // Only the size is padded (with spaces before it), and split(/ +/) skips spaces only.
  let from = afterId + 1;
  while (plain && output.charCodeAt(from) === 32) from++;
  const size = plain ? output.slice(from, tab) : '';
  if (!/^(?:\d+|-)$/.test(size)) return splitRecord(output.slice(start, end));
  return {
    path: output.slice(tab + 1, end),
    mode: output.slice(start, afterMode),
    type: output.slice(afterMode + 1, afterType) as TreeEntry['type'],
    objectId: output.slice(afterType + 1, afterId),
    size: size === '-' ? 0 : Number(size),
  };
}

function splitRecord(record: string): TreeEntry {
  const tab = record.indexOf('\t');
  const [mode = '', type = '', objectId = '', size = '-'] = record.slice(0, tab).split(/ +/);
  return {
    path: record.slice(tab + 1),
    mode,
    type: type as TreeEntry['type'],
    objectId,
    size: size === '-' ? 0 : Number(size),
  };
}

export async function listTree(root: string, commit: string): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-r', '-l', '-z', '--full-tree', commit];
  return parseLsTree(await gitOk(root, args, runGitToFile));
}

export interface DirtyPath {
  path: string;
  /** Two-letter porcelain status, e.g. " M", "A ", "??". */
  status: string;
}

export function parsePorcelainStatus(output: Buffer): DirtyPath[] {
  const records = output.toString('utf8').split('\0');
  const dirty: DirtyPath[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (!record) continue;
    const status = record.slice(0, 2);
    dirty.push({ path: record.slice(3), status });
    // Renames and copies carry the source path as a second record.
    if (status[0] === 'R' || status[0] === 'C') i++;
  }
  return dirty;
}

/**
 * With git's optional lock, as a status the user runs: git writes back the index's refreshed
 * stat data (when it can take index.lock; it skips that when another git holds it), so the next
 * unchanged rerun can read its answer from the index (index-status.ts) instead of running git.
 */
export async function dirtyPaths(root: string): Promise<DirtyPath[]> {
  return parsePorcelainStatus(
    await gitOk(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all'], (cwd, args) =>
      runGit(cwd, args, undefined, true),
    ),
  );
}

export async function showCommittedFile(
  root: string,
  commit: string,
  path: string,
): Promise<Buffer | undefined> {
  const result = await runGit(root, ['show', `${commit}:${path}`]);
  return result.code === 0 ? result.stdout : undefined;
}

/** The absolute .git directory (worktrees and submodules included). */
export async function gitDirOf(root: string): Promise<string> {
  // A bundle asked three times (scan cache, lock, temp dir): one git process each before.
  const known = gitDirs.get(root);
  if (known !== undefined) return known;
  return (await gitOk(root, ['rev-parse', '--absolute-git-dir'])).toString('utf8').trim();
}

/**
 * HEAD's commit and one committed file from a single git process (`git show` prints the commit
 * as headCommit's format, then the blob), where headCommit and showCommittedFile took two. It
 * gives undefined for anything but a plain answer (no commit, the file not committed, output
 * of another shape): the caller then asks the usual way, which reports what is wrong.
 */
export async function headCommitAndFile(
  root: string,
  path: string,
): Promise<{ commit: Commit; file: Buffer } | undefined> {
  const result = await runGit(root, [
    'show',
    '-s',
    '--format=%H%x00%T%x00%ct%x00%s%x00',
    'HEAD',
    `HEAD:${path}`,
  ]);
  if (result.code !== 0) return undefined;
  const out = result.stdout;
  const ends: number[] = [];
  for (let at = out.indexOf(0); at >= 0 && ends.length < 4; at = out.indexOf(0, at + 1))
    ends.push(at);
  const last = ends[3];
  if (last === undefined || out[last + 1] !== 10) return undefined;
  const [sha = '', tree = '', time = '', subject = ''] = out
    .subarray(0, last)
    .toString('utf8')
    .split('\0');
  if (!OBJECT_ID.test(sha) || !OBJECT_ID.test(tree) || !/^\d+$/.test(time)) return undefined;
  return { commit: { sha, tree, time: Number(time), subject }, file: out.subarray(last + 2) };
}
