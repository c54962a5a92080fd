import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { EntryData } from 'archiver';
import type { ArchiveFormat } from '../model/archive-formats.js';
import type { Blobs } from '../repo/git-access.js';
import { writeFully } from '../util/fs.js';
import { ParallelGzip } from './parallel-gzip.js';
import { tarMode } from './plan.js';
import { TarWriter } from './tar-writer.js';

/**
 * Every entry's mtime. Not the commit time: the archive must depend on the content alone, so
 * that committing the bundle record (which moves HEAD) does not change it.
 */
export const ARCHIVE_MTIME = new Date('2000-01-01T00:00:00Z');

export interface ArchiveEntry {
  path: string;
  size: number;
  /** Octal git mode: 100644, 100755 or 120000. */
  mode: string;
}

type Trailer = ReadonlyArray<{ name: string; content: string }>;

export interface ArchiveInput {
  format: ArchiveFormat;
  /** Every entry gets it, so the archive does not depend on when it was built (ARCHIVE_MTIME). */
  mtime: Date;
  entries: readonly ArchiveEntry[];
  blobs: Blobs;
  outPath: string;
  /**
   * Sees every chunk of every file as it is packed: hashing and scanning ride along. A returned
   * promise is awaited before the next chunk (backpressure from the scan worker).
   */
  onChunk: (index: number, chunk: Buffer) => Promise<void> | undefined | void;
  /** Called with a symlink's target (its blob) instead of packing it as a file. */
  onSymlink: (index: number, target: string) => void;
  /** Small generated files appended after the repo files, e.g. bundle.json and SHA256SUMS. */
  trailer: () => Trailer | Promise<Trailer>;
}

/**
 * Writes a reproducible archive in one pass over the blobs: entries in the given (sorted)
 * order, fixed mtime, uid/gid 0, no user names, modes from git, and a gzip header with no name
 * or time. Hashes the archive while writing it. `write` is the format's writer, from its
 * entry in paste/archive-codecs.ts (writeTarGz or writeZip below).
 */
export async function writeArchive(
  input: ArchiveInput,
  write: (input: ArchiveInput) => Promise<{ sha256: string; size: number }>,
): Promise<{ sha256: string; size: number }> {
  try {
    return await write(input);
  } catch (error) {
    // A write stream's ENOSPC or EACCES carries no path; the message should name the archive.
    const errno = error as NodeJS.ErrnoException;
    if (typeof errno?.code === 'string' && errno.path === undefined) errno.path = input.outPath;
    throw error;
  }
}

function hashingCounter() {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ sha256: hash.digest('hex'), size }) };
}

async function* observed(
  blobs: Blobs,
  index: number,
  onChunk: ArchiveInput['onChunk'],
): AsyncGenerator<Buffer> {
  for await (const chunk of blobs.next()) {
    const wait = onChunk(index, chunk);
    if (wait) await wait;
    yield chunk;
  }
}

/**
 * tar.gz through direct ustar headers (node-tar's for names that need pax) and zlib on every core (ParallelGzip: fixed-size members, so
 * the bytes do not depend on timing); gzip headers without name or time (zlib's default).
 */
export async function writeTarGz(input: ArchiveInput): Promise<{ sha256: string; size: number }> {
  const file = await open(input.outPath, 'w');
  const hash = createHash('sha256');
  let size = 0;
  const gzip = new ParallelGzip(async (member) => {
    for (const piece of member) {
      hash.update(piece);
      size += piece.length;
    }
    await writeAll(file, member);
  });
  const tar = new TarWriter(gzip, input.mtime);
  let index = 0;
  // One closure for every file, and no [index, entry] pair per file: 50,000 files' garbage.
  const take = (chunk: Buffer) => {
    const scanned = input.onChunk(index, chunk);
    const packed = tar.data(chunk);
    return scanned || packed ? Promise.all([scanned, packed]).then(() => {}) : undefined;
  };
  try {
    for (; index < input.entries.length; index++) {
      const entry = input.entries[index]!;
      if (entry.mode === '120000') {
        const target = (await input.blobs.readAll()).toString('utf8');
        input.onSymlink(index, target);
        await tar.symlink(entry.path, target);
      } else {
        const wait = tar.startFile(entry.path, tarMode(entry.mode), entry.size);
        if (wait) await wait;
        await input.blobs.read(take);
        const padded = tar.endFile();
        if (padded) await padded;
      }
    }
    for (const meta of await input.trailer()) {
      await tar.file(meta.name, 0o644, meta.content);
    }
    await tar.end();
  } finally {
    await file.close();
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * A member's pieces, all of them. A write that fills the disk returns a short count, not an
 * error: ignored, the last member came out truncated while the returned sha256 covered it
 * whole. The rest is written again, which then fails with ENOSPC.
 */
async function writeAll(file: FileHandle, pieces: readonly Buffer[]): Promise<void> {
  let total = 0;
  for (const piece of pieces) total += piece.length;
  const { bytesWritten } =
    pieces.length === 1 ? await file.write(pieces[0] as Buffer) : await file.writev([...pieces]);
  if (bytesWritten === total) return;
  await writeFully(file, Buffer.concat(pieces).subarray(bytesWritten));
}

/** zip through archiver, one entry at a time so memory stays bounded. */
export async function writeZip(input: ArchiveInput): Promise<{ sha256: string; size: number }> {
  // Loaded only for zip: archiver and its dependencies cost start-up time every tar.gz bundle.
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const counter = hashingCounter();
  const written = pipeline(archive, counter.stream, createWriteStream(input.outPath));
  let processed = 0;
  archive.on('entry', () => {
    processed++;
  });
  for (const [index, entry] of input.entries.entries()) {
    if (entry.mode === '120000') {
      const target = (await input.blobs.readAll()).toString('utf8');
      input.onSymlink(index, target);
      // archiver's symlink() stamps the current time; append() keeps the commit time.
      archive.append(Buffer.alloc(0), {
        name: entry.path,
        type: 'symlink',
        date: input.mtime,
        mode: 0o777,
        linkname: target,
      } as EntryData);
    } else {
      const content = Readable.from(observed(input.blobs, index, input.onChunk), {
        objectMode: false,
      });
      archive.append(content, { name: entry.path, date: input.mtime, mode: tarMode(entry.mode) });
      // The blob reader is sequential: this file must be drained before the next one starts.
      await finished(content);
    }
    while (processed <= index) await once(archive, 'entry');
  }
  for (const meta of await input.trailer()) {
    archive.append(Buffer.from(meta.content), { name: meta.name, date: input.mtime, mode: 0o644 });
  }
  await archive.finalize();
  await written;
  return counter.result();
}
