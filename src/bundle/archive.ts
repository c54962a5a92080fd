import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { type EntryData, TarArchive, ZipArchive } from 'archiver';
import type { BlobReader } from '../repo/blob-reader.js';
import { type BundleFile, tarMode } from './plan.js';
import type { ArchiveFormat } from './record.js';

export interface ArchiveInput {
  format: ArchiveFormat;
  /** Commit time: every entry gets it, so the archive does not depend on when it was built. */
  mtime: Date;
  /** Small generated files written first, e.g. bundle.json and SHA256SUMS. */
  metadata: ReadonlyArray<{ name: string; content: string }>;
  files: readonly BundleFile[];
  blobs: BlobReader;
  outPath: string;
  onBytes?: (bytes: number) => void;
}

/**
 * Writes a reproducible archive: entries in the given (sorted) order, fixed mtime, uid/gid 0,
 * no user names, modes from git, and a gzip header with no name or time. Hashes while writing.
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
  const entryDone = () => once(archive, 'entry');

  for (const meta of input.metadata) {
    archive.append(Buffer.from(meta.content), { name: meta.name, date: input.mtime, mode: 0o644 });
    await entryDone();
  }
  for (const file of input.files) {
    if (file.mode === '120000') {
      await input.blobs.readAll();
      // archiver's symlink() stamps the current time; append() lets the entry keep the commit time.
      archive.append(Buffer.alloc(0), {
        name: file.path,
        type: 'symlink',
        date: input.mtime,
        mode: 0o777,
        linkname: file.linkTarget ?? '',
      } as EntryData);
      await entryDone();
      continue;
    }
    const blobs = input.blobs;
    const onBytes = input.onBytes;
    const content = Readable.from(
      (async function* () {
        for await (const chunk of blobs.next()) {
          onBytes?.(chunk.length);
          yield chunk;
        }
      })(),
      { objectMode: false },
    );
    archive.append(content, { name: file.path, date: input.mtime, mode: tarMode(file.mode) });
    // The blob reader is sequential: this file must be drained before the next one starts.
    await finished(content);
  }
  await archive.finalize();
  await written;
  return { sha256: hash.digest('hex'), size };
}
