import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { type EntryData, TarArchive, ZipArchive } from 'archiver';
import type { BlobReader } from '../repo/blob-reader.js';
import { tarMode } from './plan.js';
import type { ArchiveFormat } from './record.js';

export interface ArchiveEntry {
  path: string;
  /** Octal git mode: 100644, 100755 or 120000. */
  mode: string;
}

export interface ArchiveInput {
  format: ArchiveFormat;
  /** Commit time: every entry gets it, so the archive does not depend on when it was built. */
  mtime: Date;
  entries: readonly ArchiveEntry[];
  blobs: BlobReader;
  outPath: string;
  /** Sees every chunk of every file as it is packed: hashing and scanning ride along. */
  onChunk: (index: number, chunk: Buffer) => void;
  /** Called with a symlink's target (its blob) instead of packing it as a file. */
  onSymlink: (index: number, target: string) => void;
  /** Small generated files appended after the repo files, e.g. bundle.json and SHA256SUMS. */
  trailer: () => ReadonlyArray<{ name: string; content: string }>;
}

/**
 * Writes a reproducible archive in one pass over the blobs: entries in the given (sorted)
 * order, fixed mtime, uid/gid 0, no user names, modes from git, and a gzip header with no name
 * or time. Hashes the archive while writing it.
 */
export async function writeArchive(input: ArchiveInput): Promise<{ sha256: string; size: number }> {
  const archive =
    input.format === 'zip'
      ? new ZipArchive({ zlib: { level: 6 } })
      : new TarArchive({ gzip: true, gzipOptions: { level: 6 } });
  const hash = createHash('sha256');
  let size = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const written = pipeline(archive, hasher, createWriteStream(input.outPath));
  const { blobs, onChunk } = input;
  for (const [index, entry] of input.entries.entries()) {
    if (entry.mode === '120000') {
      const target = (await blobs.readAll()).toString('utf8');
      input.onSymlink(index, target);
      // archiver's symlink() stamps the current time; append() keeps the commit time.
      archive.append(Buffer.alloc(0), {
        name: entry.path,
        type: 'symlink',
        date: input.mtime,
        mode: 0o777,
        linkname: target,
      } as EntryData);
      continue;
    }
    const content = Readable.from(
      (async function* () {
        for await (const chunk of blobs.next()) {
          onChunk(index, chunk);
          yield chunk;
        }
      })(),
      { objectMode: false },
    );
    archive.append(content, { name: entry.path, date: input.mtime, mode: tarMode(entry.mode) });
    // The blob reader is sequential: this file must be drained before the next one starts.
    await finished(content);
  }
  for (const meta of input.trailer()) {
    archive.append(Buffer.from(meta.content), { name: meta.name, date: input.mtime, mode: 0o644 });
  }
  await archive.finalize();
  await written;
  return { sha256: hash.digest('hex'), size };
}
