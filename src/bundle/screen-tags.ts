import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userCacheDir } from '../secrets/table-cache.js';
import { writeFileAtomically } from '../util/atomic.js';
import { sha256Hex } from '../util/hash.js';
import { screenIdentity } from './credential-screen.js';

/** Bump when what a tag attests changes. */
const TAGS_VERSION = 1;
/** Bytes of a tag kept: 128 bits, out of reach of guessing. */
const TAG_BYTES = 16;
const KEY_FILE = 'screen-key';
const TAGS_FILE = 'screen-tags.bin';

/**
 * Proof that the scan cache's screen (credential-screen.ts, mayHoldCredentialBytes) passed a
 * file's bytes before, so a warm bundle need not walk them again: the screen was a fifth of the
 * main thread of a warm 50,000-file bundle. The scan cache in .git/airgap is not trusted (an
 * edited one must not ship a credential), so neither are these tags' file by itself: a tag is
 * the first 128 bits of sha256(key, sha256 of the bytes), the key derived from a random one kept
 * in the user's cache directory (readable by the user alone) and from everything the screen's
 * answer depends on (screenIdentity). Without the key no tag can be made; a tag names bytes,
 * not a path or a blob id, so it cannot be moved onto other bytes; a build whose screen answers
 * differently derives another key. A tag that does not match is only a slower bundle: the
 * screen runs, as it always did. The message has a fixed length, so a secret prefix is a MAC.
 */
export class ScreenTags {
  private loaded: { key: string; tags: Set<string> } | undefined | null = null;
  /** Tags of this bundle's files, written back when any is new (no stale ones accumulate). */
  private readonly kept = new Set<string>();
  private added = false;

  constructor(
    private readonly gitDir: string,
    private readonly keyDir: string = userCacheDir(),
    /** What the screen's answer depends on (a test stands in another build's). */
    private readonly identity: () => string = screenIdentity,
  ) {}

  /** The tag of bytes with this sha256 (hex), or undefined when no key can be had. */
  tagOf(sha256: string): string | undefined {
    // Loaded at the first cached file: a first bundle never reads or makes a key.
    if (this.loaded === null) this.loaded = this.load();
    const key = this.loaded?.key;
    return key === undefined ? undefined : sha256Hex(`${key}${sha256}`).slice(0, 2 * TAG_BYTES);
  }

  /** Whether the screen passed these bytes before (the tag is in the file). */
  has(tag: string): boolean {
    if (!this.loaded?.tags.has(tag)) return false;
    this.kept.add(tag);
    return true;
  }

  /** Notes that the screen passed the bytes of this tag. */
  add(tag: string): void {
    this.kept.add(tag);
    this.added = true;
  }

  async save(): Promise<void> {
    if (!this.added) return;
    const data = Buffer.alloc(this.kept.size * TAG_BYTES);
    let at = 0;
    for (const tag of this.kept) at += data.write(tag, at, 'hex');
    // Lost in a crash, it is only a slower bundle: no fsync.
    await writeFileAtomically(join(this.gitDir, 'airgap', TAGS_FILE), data, { fsync: false });
  }

  private load(): { key: string; tags: Set<string> } | undefined {
    const userKey = readUserKey(this.keyDir);
    if (userKey === undefined) return undefined;
    const key = sha256Hex(`${TAGS_VERSION}\0${userKey}\0${this.identity()}`);
    const tags = new Set<string>();
    try {
      const data = readFileSync(join(this.gitDir, 'airgap', TAGS_FILE));
      // A cut-off last tag is dropped; the whole ones each prove themselves.
      for (let at = 0; at + TAG_BYTES <= data.length; at += TAG_BYTES)
        tags.add(data.toString('hex', at, at + TAG_BYTES));
    } catch {
      // No tags yet: the screen runs.
    }
    return { key, tags };
  }
}

const KEY = /^[0-9a-f]{64}$/;

/**
 * The user's random key, made on first use (mode 0600). Made under a temporary name and linked
 * into place, so two processes agree on one key; a damaged one is replaced. Undefined when the
 * directory cannot hold one: tags are then neither made nor trusted.
 */
function readUserKey(dir: string): string | undefined {
  const path = join(dir, KEY_FILE);
  const read = () => {
    try {
      const key = readFileSync(path, 'utf8');
      return KEY.test(key) ? key : undefined;
    } catch {
      return undefined;
    }
  };
  const existing = read();
  if (existing !== undefined) return existing;
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temp, randomBytes(32).toString('hex'), { mode: 0o600 });
    try {
      linkSync(temp, path);
    } catch {
      // Another process made one first (then it is read below), or it is damaged: replaced.
      if (read() === undefined) renameSync(temp, path);
    }
    return read();
  } catch {
    return undefined;
  } finally {
    try {
      rmSync(temp, { force: true });
    } catch {
      // No directory to hold it either.
    }
  }
}
