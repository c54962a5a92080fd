import { closeSync, constants, openSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { invariantBroken } from '../errors.js';
import { digestHex } from '../util/hash.js';
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

/** git's object id of these bytes: `blob <size>\0` and the bytes, under the repo's hash. */
export function blobHeader(size: number): string {
  return `blob ${size}\0`;
}

/** Whether `object` (header and bytes) hashes to `objectId`: sha1, or sha256 for 64 digits. */
export function hashesTo(object: Buffer, objectId: string): boolean {
  return digestHex(objectId.length === 64 ? 'sha256' : 'sha1', object) === objectId;
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

  constructor(
    private readonly root: string,
    private readonly entries: readonly BlobEntry[],
  ) {}

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
        const rest = this.entries.slice(index).map((e) => e.objectId);
        if (this.git) this.git.ask(rest, true);
        else this.git = new BlobReader(this.root, rest);
        return undefined;
      }
    }
    this.git ??= new BlobReader(this.root, [], { more: true });
    this.git.ask([entry.objectId], false);
    return undefined;
  }

  /** Room for `length` bytes at the slab's end; kept only if the caller then calls keep(). */
  private room(length: number): Buffer {
    if (this.used + length > this.slab.length) {
      // The old slab lives on while chunks handed out of it are held (the scanner's kept chunks).
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB, length));
      this.used = 0;
    }
    return this.slab.subarray(this.used, this.used + length);
  }

  /** The bytes after the header, when the header and they hash to the entry's id. */
  private verified(space: Buffer, header: number, entry: BlobEntry): Buffer | undefined {
    const object = space.subarray(0, header + entry.size);
    if (!hashesTo(object, entry.objectId)) return undefined;
    this.used += object.length;
    return object.subarray(header);
  }

  private fileBytes(entry: BlobEntry): Buffer | undefined {
    const header = blobHeader(entry.size);
    const space = this.room(header.length + entry.size);
    space.write(header, 0, 'latin1');
    // The blob's size and no more: bytes past it would change the hash anyway, and whatever
    // the file holds, what was read is what is hashed and shipped. An empty blob needs no file.
    let got = 0;
    if (entry.size > 0) {
      let fd: number;
      try {
        fd = openSync(join(this.root, entry.path), OPEN_FLAGS);
      } catch {
        return undefined;
      }
      try {
        while (got < entry.size) {
          const read = readSync(fd, space, header.length + got, entry.size - got, null);
          if (read === 0) break;
          got += read;
        }
      } catch {
        return undefined; // a directory (EISDIR), a FIFO (EAGAIN), an I/O error: git knows
      } finally {
        closeSync(fd);
      }
    }
    return got === entry.size ? this.verified(space, header.length, entry) : undefined;
  }

  /** A symlink's blob is its target; a checkout without symlinks has a file there instead. */
  private linkTarget(entry: BlobEntry): Buffer | undefined {
    let target: Buffer;
    try {
      target = readlinkSync(join(this.root, entry.path), { encoding: 'buffer' });
    } catch {
      return undefined;
    }
    if (target.length !== entry.size) return undefined;
    const header = blobHeader(entry.size);
    const space = this.room(header.length + entry.size);
    space.write(header, 0, 'latin1');
    target.copy(space, header.length);
    return this.verified(space, header.length, entry);
  }
}
