import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { userCacheDir } from '../secrets/table-cache.js';
import { writeFileAtomically } from '../util/atomic.js';
import { sha256Hex } from '../util/hash.js';
import { screenIdentity } from './credential-screen.js';

/** Bump when what the file attests changes. */
const TAGS_VERSION = 2;
const DIGEST = 32;
const MAX_BYTES = DIGEST * (1 << 20);
const KEY_FILE = 'screen-key';
const TAGS_FILE = 'screen-tags.bin';

/**
 * Proof that the scan cache's screen (credential-screen.ts, mayHoldCredentialBytes) passed a
 * file's bytes before, so a warm bundle need not walk them again: the screen was a fifth of the
 * main thread of a warm 50,000-file bundle. The scan cache in .git/airgap is not trusted (an
 * edited one must not ship a credential), so neither is this file by itself: it lists the
 * sha256 of each passed file's bytes under an HMAC whose key is derived from a random one kept
 * in the user's cache directory (readable by the user alone) and from everything the screen's
 * answer depends on (screenIdentity). Without the key the list cannot be changed, extended or
 * cut; an entry names bytes, not a path or a blob id, so it cannot be moved onto other bytes; a
 * build whose screen answers differently derives another key. A file that fails its HMAC is
 * only a slower bundle: the screen runs on every file, as it always did.
 */
export class ScreenTags {
  private loaded: { key: string; passed: Set<string> } | undefined | null = null;
  /** The passed files of this bundle, written back when any is new (no stale ones pile up). */
  private readonly kept = new Set<string>();
  private added = false;

  constructor(
    private readonly gitDir: string,
    private readonly keyDir: string = userCacheDir(),
    /** What the screen's answer depends on (a test stands in another build's). */
    private readonly identity: () => string = screenIdentity,
  ) {}

  /** Reads the key and the list now rather than at the first cached file. */
  preload(): void {
    if (this.loaded === null) this.loaded = this.load();
  }

  /** Whether the screen passed bytes with this sha256 (hex) before. */
  has(sha256: string): boolean {
    // Loaded at the first cached file: a first bundle never reads or makes a key.
    if (this.loaded === null) this.loaded = this.load();
    if (!this.loaded?.passed.has(sha256)) return false;
    this.kept.add(sha256);
    return true;
  }

  /** Notes that the screen passed the bytes with this sha256; nothing without a key. */
  add(sha256: string): void {
    if (this.loaded === null) this.loaded = this.load();
    if (!this.loaded) return;
    this.kept.add(sha256);
    this.added = true;
  }

  async save(): Promise<void> {
    if (!this.added || !this.loaded) return;
    const data = Buffer.alloc(DIGEST + this.kept.size * DIGEST);
    let at = DIGEST;
    for (const sha256 of this.kept) at += data.write(sha256, at, 'hex');
    mac(this.loaded.key, data.subarray(DIGEST)).copy(data);
    // Lost in a crash, it is only a slower bundle: no fsync.
    await writeFileAtomically(join(this.gitDir, 'airgap', TAGS_FILE), data, { fsync: false });
  }

  private load(): { key: string; passed: Set<string> } | undefined {
    const userKey = readUserKey(this.keyDir);
    if (userKey === undefined) return undefined;
    const key = sha256Hex(`${TAGS_VERSION}\0${userKey}\0${this.identity()}`);
    const passed = new Set<string>();
    try {
      const path = join(this.gitDir, 'airgap', TAGS_FILE);
      // Past any tree airgap bundles (a million files): not read, whatever put it there.
      if (statSync(path).size > MAX_BYTES) return { key, passed };
      const data = readFileSync(path);
      const body = data.subarray(DIGEST);
      if (body.length % DIGEST === 0 && timingSafeEqual(mac(key, body), data.subarray(0, DIGEST)))
        for (let at = 0; at < body.length; at += DIGEST)
          passed.add(body.toString('hex', at, at + DIGEST));
    } catch {
      // No file yet, or one shorter than its HMAC: the screen runs.
    }
    return { key, passed };
  }
}

function mac(key: string, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update(body).digest();
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
