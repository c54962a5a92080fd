import { closeSync, constants, openSync, readlinkSync, readSync } from 'node:fs';
import { sep } from 'node:path';
import { invariantBroken } from '../errors.js';
import { digestHexLazily } from '../util/lazy-hash.js';
import { BlobReader } from './blob-reader.js';
import type { TreeEntry } from './git.js';

/** What the work-tree reader needs of a tree entry to find, bound and verify its blob. */
export type BlobEntry = Pick<TreeEntry, 'path' | 'mode' | 'objectId' | 'size' | 'rawName'>;

/**
 * Largest file read whole from the work tree. A bigger one streams through cat-file in chunks,
 * as before, so a 1 GB file never sits in memory (the memory test's bound).
 */
export const WORKTREE_MAX = 4 * 1024 * 1024;
/** Files are read into shared slabs: one allocation per megabyte, not one per file. */
const SLAB = 1024 * 1024;
/**
 * No symlink as the last component (its target is not the file's bytes), and no wait on a
 * FIFO: its read fails with EAGAIN instead, and the blob comes from git.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/**
 * When this many files differ from their blobs and they are more than a fifth of those tried
 * (a work tree checked out with CRLF, or with smudged LFS files, or far from HEAD), the rest
 * come from cat-file at once: each file that misses costs a read, a hash and a round trip.
 */
const GIVE_UP_AFTER = 64;

/** Room a blob header takes at most: `blob `, 16 digits, NUL. */
const HEADER_MAX = 22;
const BLOB_ = [0x62, 0x6c, 0x6f, 0x62, 0x20]; // "blob "

/**
 * Writes git's blob header, `blob <size>\0`, at `at`; returns where the bytes go. Digit by
 * digit: a string per file and its encoding were a tenth of the reader's garbage.
 */
export function writeBlobHeader(target: Buffer, at: number, size: number): number {
  for (const byte of BLOB_) target[at++] = byte;
  let digits = 1;
  for (let rest = size; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  for (let i = digits - 1, rest = size; i >= 0; i--, rest = Math.floor(rest / 10))
    target[at + i] = 0x30 + (rest % 10);
  target[at + digits] = 0;
  return at + digits + 1;
}

/** Whether `object` (header and bytes) hashes to `objectId`: sha1, or sha256 for 64 digits. */
export function hashesTo(object: Buffer, objectId: string): boolean {
  return digestHexLazily(objectId.length === 64 ? 'sha256' : 'sha1', object) === objectId;
}

/** Whether the work tree may hold this entry's blob as plain bytes (else cat-file is asked). */
export function worktreeMayHold(entry: BlobEntry): boolean {
  return (
    entry.rawName === undefined &&
    entry.size <= WORKTREE_MAX &&
    (entry.mode === '100644' || entry.mode === '100755' || entry.mode === '120000') &&
    (entry.objectId.length === 40 || entry.objectId.length === 64)
  );
}

/**
 * The blobs of a commit, in order, read from the work tree where a file there is provably the
 * committed blob, and from `git cat-file --batch` for the rest. Provably: the bytes read are
 * hashed as git hashes a blob, and used only when that id is the tree entry's. A file edited
 * since the commit, deleted, replaced by a directory or a FIFO, or checked out through a filter
 * (CRLF, LFS smudge, ident) hashes to another id, and its committed bytes come from git; the
 * bytes shipped are the bytes hashed, whatever happens to the file meanwhile. Reading the work
 * tree costs less CPU than git inflating each blob and piping it over (the 50,000-file bundle).
 * git is started only when a file needs it.
 */
export class WorktreeBlobs {
  private at = 0;
  private git: BlobReader | undefined;
  /** False once too many files missed: every later blob was asked of git in one go. */
  private tryWorktree = true;
  private hits = 0;
  private misses = 0;
  private slab = Buffer.alloc(0);
  private used = 0;

  /** The root and a slash: each file's path is appended to it. */
  private readonly prefix: string;

  constructor(
    private readonly root: string,
    private readonly entries: readonly BlobEntry[],
  ) {
    this.prefix = root.endsWith(sep) ? root : root + sep;
  }

  async read(take: (chunk: Buffer) => Promise<void> | undefined): Promise<number> {
    const bytes = this.committedBytes();
    if (!bytes) return this.git!.read(take);
    if (bytes.length) {
      const wait = take(bytes);
      if (wait) await wait;
    }
    return bytes.length;
  }

  async *next(): AsyncGenerator<Buffer> {
    const bytes = this.committedBytes();
    if (!bytes) yield* this.git!.next();
    else if (bytes.length) yield bytes;
  }

  async readAll(): Promise<Buffer> {
    return this.committedBytes() ?? this.git!.readAll();
  }

  close(): void {
    this.git?.close();
  }

  /** How many blobs came from the work tree (tests). */
  get fromWorktree(): number {
    return this.hits;
  }

  /** The next entry's blob from the work tree, or undefined once git was asked for it. */
  private committedBytes(): Buffer | undefined {
    const index = this.at++;
    const entry = this.entries[index];
    if (!entry) throw invariantBroken('more blobs were read than asked for');
    if (!this.tryWorktree) return undefined;
    if (worktreeMayHold(entry)) {
      const bytes = entry.mode === '120000' ? this.linkTarget(entry) : this.fileBytes(entry);
      if (bytes) {
        this.hits++;
        return bytes;
      }
      this.misses++;
      if (this.misses >= GIVE_UP_AFTER && this.misses * 4 > this.hits) {
        this.tryWorktree = false;
        // Every blob the one-by-one reader was asked for has been read: a new one takes the
        // rest with --buffer (one flush at the end, not one per blob).
        this.git?.close();
        this.git = new BlobReader(
          this.root,
          this.entries.slice(index).map((e) => e.objectId),
        );
        return undefined;
      }
    }
    this.git ??= new BlobReader(this.root, [], { more: true });
    this.git.ask([entry.objectId], false);
    return undefined;
  }

  /**
   * The slab, with room for a header and `size` bytes at `used`. Nothing is kept until
   * verified() moves `used` past them: a miss leaves its room to the next file.
   */
  private roomFor(size: number): Buffer {
    if (this.used + HEADER_MAX + size > this.slab.length) {
      // The old slab lives on while chunks handed out of it are held (the scanner's kept chunks).
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB, HEADER_MAX + size));
      this.used = 0;
    }
    return this.slab;
  }

  /** The bytes at `body`, when the header before them and they hash to the entry's id. */
  private verified(body: number, entry: BlobEntry): Buffer | undefined {
    const end = body + entry.size;
    if (!hashesTo(this.slab.subarray(this.used, end), entry.objectId)) return undefined;
    this.used = end;
    return this.slab.subarray(body, end);
  }

  private fileBytes(entry: BlobEntry): Buffer | undefined {
    const size = entry.size;
    const slab = this.roomFor(size);
    const body = writeBlobHeader(slab, this.used, size);
    // The blob's size and no more: bytes past it would change the hash anyway, and whatever
    // the file holds, what was read is what is hashed and shipped. An empty blob needs no file.
    let got = 0;
    if (size > 0) {
      let fd: number;
      try {
        // Not path.join: tree paths are already normal, and joining was a tenth of the garbage.
        fd = openSync(this.prefix + entry.path, OPEN_FLAGS);
      } catch {
        return undefined;
      }
      try {
        while (got < size) {
          const read = readSync(fd, slab, body + got, size - got, null);
          if (read === 0) break;
          got += read;
        }
      } catch {
        return undefined; // a directory (EISDIR), a FIFO (EAGAIN), an I/O error: git knows
      } finally {
        closeSync(fd);
      }
    }
    return got === size ? this.verified(body, entry) : undefined;
  }

  /** A symlink's blob is its target; a checkout without symlinks has a file there instead. */
  private linkTarget(entry: BlobEntry): Buffer | undefined {
    let target: Buffer;
    try {
      target = readlinkSync(this.prefix + entry.path, { encoding: 'buffer' });
    } catch {
      return undefined;
    }
    if (target.length !== entry.size) return undefined;
    const slab = this.roomFor(entry.size);
    const body = writeBlobHeader(slab, this.used, entry.size);
    target.copy(slab, body);
    return this.verified(body, entry);
  }
}
