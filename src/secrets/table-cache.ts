import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Built keyword automata (line-filter.ts) kept in the user's cache directory: building one of
 * the rule sets' tables (about 2,500 states × 128 entries) cost 40–150 ms of a small bundle's
 * start-up in every process, reading it back about a millisecond. The file's name is a hash of
 * everything the table is a function of: the builder's own source text (a change to the
 * construction or its constants misses the old files by itself), the constants it reads, and
 * the words in order. Its content is a sha256 of that key and the table, then the table. A file
 * that is short, of another length or does not hash to its header is built afresh and
 * replaced: a damaged table could hide a credential, so nothing unchecked is ever used.
 */

const HEADER = 32;

/**
 * Tables kept at most: a few rule sets (bundle's provider, manifest and screen filters, the
 * scanner's) under two airgap builds used side by side. Each new build writes new files, so
 * older ones are swept (by age, on a write only: a hit costs no directory listing).
 */
export const KEEP_TABLES = 8;

/** $XDG_CACHE_HOME/airgap, else ~/.cache/airgap: a cache, so losing it only costs time. */
export function userCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'airgap');
}

/**
 * The table `build(words)` returns, from `dir` when a checked copy is there, else built and
 * stored (atomically: a rename, so a concurrent reader sees the whole file or none; no fsync,
 * as a torn file fails its hash). `constants`: what `build` reads besides its argument.
 */
export function cachedTable(
  words: readonly string[],
  build: (words: readonly string[]) => Int32Array,
  constants: readonly number[],
  dir: string = userCacheDir(),
): Int32Array {
  const key = createHash('sha256')
    .update(`${build.toString()}\0${constants.join(',')}\0${words.join('\0')}`)
    .digest();
  const path = join(dir, `line-filter-${key.toString('hex').slice(0, 32)}.bin`);
  const stored = read(path, key);
  if (stored) return stored;
  const table = build(words);
  write(path, key, table);
  return table;
}

function checksum(key: Buffer, body: Uint8Array): Buffer {
  return createHash('sha256').update(key).update(body).digest();
}

function read(path: string, key: Buffer): Int32Array | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const length = fstatSync(fd).size - HEADER;
    // Tables are whole rows of 128 four-byte entries; anything else is damaged.
    if (length <= 0 || length % 512 !== 0) return undefined;
    // Read straight into the table's memory: a copy of a megabyte cost as much as the read.
    const header = Buffer.alloc(HEADER);
    const table = new Int32Array(length / 4);
    const body = new Uint8Array(table.buffer);
    if (readSync(fd, header, 0, HEADER, 0) !== HEADER) return undefined;
    if (readSync(fd, body, 0, length, HEADER) !== length) return undefined;
    return checksum(key, body).equals(header) ? table : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function write(path: string, key: Buffer, table: Int32Array): void {
  const body = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(temp, Buffer.concat([checksum(key, body), body]));
    renameSync(temp, path);
    sweep(join(path, '..'));
  } catch {
    // A cache directory that cannot be written: the next process builds the table again.
    try {
      rmSync(temp, { force: true });
    } catch {
      // No directory to hold a temporary file either.
    }
  }
}

/** Removes all but the KEEP_TABLES newest table files; a file another process removed is fine. */
function sweep(dir: string): void {
  const tables = readdirSync(dir)
    .filter((name) => /^line-filter-[0-9a-f]+\.bin$/.test(name))
    .map((name) => {
      try {
        return { path: join(dir, name), time: statSync(join(dir, name)).mtimeMs };
      } catch {
        return undefined;
      }
    })
    .filter((t) => t !== undefined)
    .sort((a, b) => b.time - a.time);
  for (const old of tables.slice(KEEP_TABLES)) rmSync(old.path, { force: true });
}
