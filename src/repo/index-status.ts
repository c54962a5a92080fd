/**
 * The paths `git status` might list, read from .git/index and the work tree without a git
 * process: an unchanged rerun's one git child (node's fork, exec, loading child_process, git's
 * own run) was ~20-30 ms of its CPU over bare node. The answer is a superset of what git would
 * list, or undefined, so the caller can only be more careful than git:
 * - staged changes: none when the index's cache tree (its TREE extension, which git keeps
 *   valid only while the index matches that tree exactly, and commits from) is valid at the
 *   root and names the tree the caller expects (HEAD's); else undefined;
 * - work tree against index: each entry whose lstat differs from the stat data git stored, or
 *   that is racily clean (modified no earlier than the index was written, where git would read
 *   the content), or that carries a stage or a flag, is listed;
 * - untracked: every file under the root (but .git) that the index does not hold is listed,
 *   ignored or not.
 * Anything unusual (index v4, a split or sparse index, an extension git requires readers to
 * know, SHA-256 ids, more than MAX_ENTRIES entries or files) gives undefined: ask git.
 */
import {
  type BigIntStats,
  closeSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DirtyPath } from './git.js';

/** Beyond this, walking the work tree in JS is no cheaper than git's own status. */
const MAX_ENTRIES = 5_000;
const NS = 1_000_000_000n;
const U32 = 0x1_0000_0000n;

interface Entry {
  path: string;
  ctimeSec: number;
  ctimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  dev: number;
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** A stage (a conflict), assume-valid or an extended flag (skip-worktree, intent-to-add). */
  flagged: boolean;
}

/** The index's entries and its cache tree's root, or undefined for anything but v2/v3 plain. */
function readIndex(buf: Buffer): { entries: Entry[]; rootTree?: string } | undefined {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = buf.readUInt32BE(4);
  const count = buf.readUInt32BE(8);
  if ((version !== 2 && version !== 3) || count > MAX_ENTRIES) return undefined;
  const end = buf.length - 20; // the trailing SHA-1 of the content
  const entries: Entry[] = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    if (at + 62 > end) return undefined;
    const flags = buf.readUInt16BE(at + 60);
    const extended = (flags & 0x4000) !== 0;
    const name = at + 62 + (extended ? 2 : 0);
    const nul = buf.indexOf(0, name);
    if (nul < 0 || nul >= end) return undefined;
    entries.push({
      path: buf.toString('utf8', name, nul),
      ctimeSec: buf.readUInt32BE(at),
      ctimeNsec: buf.readUInt32BE(at + 4),
      mtimeSec: buf.readUInt32BE(at + 8),
      mtimeNsec: buf.readUInt32BE(at + 12),
      dev: buf.readUInt32BE(at + 16),
      ino: buf.readUInt32BE(at + 20),
      mode: buf.readUInt32BE(at + 24),
      uid: buf.readUInt32BE(at + 28),
      gid: buf.readUInt32BE(at + 32),
      size: buf.readUInt32BE(at + 36),
      flagged: (flags & 0xb000) !== 0 || extended,
    });
    // 1-8 NULs pad each entry to a multiple of 8 bytes, the name still NUL-terminated.
    at += (nul - at + 8) & ~7;
  }
  let rootTree: string | undefined;
  while (at + 8 <= end) {
    const signature = buf.toString('latin1', at, at + 4);
    const size = buf.readUInt32BE(at + 4);
    const data = at + 8;
    if (data + size > end) return undefined;
    if (signature === 'TREE') {
      // The root's line: "" NUL, entry count (-1 when invalid), space, subtrees, LF, then its id.
      const lf = buf.indexOf(10, data);
      const line = buf.toString('latin1', data, lf);
      if (lf < 0 || lf + 21 > data + size || !/^\0\d+ \d+$/.test(line)) return undefined;
      if (Number(line.slice(1).split(' ')[0]) !== count) return undefined;
      rootTree = buf.toString('hex', lf + 1, lf + 21);
    } else if (!/^[A-Z]/.test(signature)) return undefined; // "link", "sdir": must be understood
    at = data + size;
  }
  return at === end ? { entries, rootTree } : undefined;
}

function sameStat(entry: Entry, stat: BigIntStats): boolean {
  const mtime = stat.mtimeNs;
  const ctime = stat.ctimeNs;
  const type = entry.mode & 0o170000;
  const isLink = type === 0o120000;
  if (isLink ? !stat.isSymbolicLink() : type !== 0o100000 || !stat.isFile()) return false;
  if (!isLink && (entry.mode & 0o777) !== (stat.mode & 0o100n ? 0o755 : 0o644)) return false;
  return (
    Number((mtime / NS) % U32) === entry.mtimeSec &&
    Number(mtime % NS) === entry.mtimeNsec &&
    Number((ctime / NS) % U32) === entry.ctimeSec &&
    Number(ctime % NS) === entry.ctimeNsec &&
    Number(stat.ino % U32) === entry.ino &&
    Number(stat.dev % U32) === entry.dev &&
    Number(stat.uid % U32) === entry.uid &&
    Number(stat.gid % U32) === entry.gid &&
    Number(stat.size % U32) === entry.size
  );
}

/**
 * Every file under root but .git, as repo paths, and each directory holding a nested
 * repository's `.git` as `dir/`; undefined past MAX_ENTRIES.
 */
function workTreeFiles(root: string): string[] | undefined {
  const files: string[] = [];
  const dirs = [''];
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    for (const dirent of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${dirent.name}` : dirent.name;
      // A repository nested in the work tree is one untracked `dir/` to git, not its files:
      // listed as git lists it, beside its files.
      if (dir && dirent.name === '.git') files.push(`${dir}/`);
      if (dirent.isDirectory()) {
        if (path !== '.git') dirs.push(path);
      } else files.push(path);
      if (files.length + dirs.length > MAX_ENTRIES) return undefined;
    }
  }
  return files;
}

/**
 * Whether statusFromIndex may answer for this .git at all, from the index's 12-byte header
 * alone (a plain v2/v3 index of at most MAX_ENTRIES entries): a first bundle then leaves
 * `git status` unstarted until HEAD's tree is known, and starts it at once otherwise (a
 * 50,000-file index, where the walk would decline after reading it all).
 */
export function indexMayVouch(gitDir: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(join(gitDir, 'index'), 'r');
    const head = Buffer.alloc(12);
    if (readSync(fd, head, 0, 12, 0) !== 12 || head.toString('latin1', 0, 4) !== 'DIRC')
      return false;
    const version = head.readUInt32BE(4);
    return (version === 2 || version === 3) && head.readUInt32BE(8) <= MAX_ENTRIES;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A superset of the paths `git status` would list in the work tree at `root`, when the index
 * says nothing is staged against `headTree`; undefined when only git can say.
 */
export function statusFromIndex(
  root: string,
  gitDir: string,
  headTree: string,
): DirtyPath[] | undefined {
  try {
    if (!/^[0-9a-f]{40}$/.test(headTree)) return undefined;
    const indexPath = join(gitDir, 'index');
    const indexStat = lstatSync(indexPath, { bigint: true });
    const index = readIndex(readFileSync(indexPath));
    if (!index || index.rootTree !== headTree) return undefined;
    const files = workTreeFiles(root);
    if (!files) return undefined;
    // lstat follows a symlink among the leading directories (a tracked d/ replaced by a link
    // to a copy of it), where git sees the entry deleted: an entry the walk, which follows no
    // link, did not meet is listed.
    const walked = new Set(files);
    const dirty: DirtyPath[] = [];
    const tracked = new Set<string>();
    for (const entry of index.entries) {
      tracked.add(entry.path);
      const modified = BigInt(entry.mtimeSec) * NS + BigInt(entry.mtimeNsec);
      let stat: BigIntStats | undefined;
      try {
        stat = lstatSync(join(root, entry.path), { bigint: true });
      } catch {
        stat = undefined;
      }
      // Racily clean: written in the same tick as the index, git would compare the content.
      if (
        entry.flagged ||
        !walked.has(entry.path) ||
        !stat ||
        !sameStat(entry, stat) ||
        modified >= indexStat.mtimeNs % (U32 * NS)
      )
        dirty.push({ path: entry.path, status: ' M' });
    }
    for (const path of files) if (!tracked.has(path)) dirty.push({ path, status: '??' });
    return dirty;
  } catch {
    return undefined;
  }
}
