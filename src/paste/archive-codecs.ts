import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import type { ArchiveInput } from '../bundle/archive.js';
import { AirgapError } from '../errors.js';
import { ARCHIVE_FORMAT_NAMES, type ArchiveFormat } from '../model/archive-formats.js';
import { type ShellCode, sh } from './sh.js';

/**
 * Everything airgap does with one archive format, as one entry: how the laptop writes it,
 * how an archive is recognised and its bundle.json read (upload of the archive alone), and
 * how the bastion extracts it. The names, file extension and S3 content type are in
 * model/archive-formats.ts (the record's schema needs them below this layer); the `Record`
 * here is over the same names, so a format named there without its entry here, or an entry
 * missing a field, is a compile error.
 */
export interface ArchiveCodec {
  /** The bastion commands the extract needs, checked with helpers.sh's `need`. */
  tools: readonly string[];
  /** The first bytes of every archive of the format. */
  magic: readonly number[];
  /**
   * The bastion command that extracts `archive` into `destination`, built with `sh`: both are
   * shell code (the helpers' own variables, quoted there), anything else is quoted.
   */
  extract: (archive: ShellCode, destination: ShellCode) => ShellCode;
  /** Hashes the file and reads its bundle.json; `manifest` is undefined when there is none. */
  readManifest: (path: string) => Promise<{ sha256: string; manifest: Buffer | undefined }>;
  /** Writes a reproducible archive and hashes it (bundle/archive.ts holds the writers). */
  write: (input: ArchiveInput) => Promise<{ sha256: string; size: number }>;
}

/** The one file of the archive that the readers look for. */
const MANIFEST = 'bundle.json';

// The writers and tar's parser are loaded when used: helpers.sh is generated on every bundle,
// and the upload of an archive alone never writes one.
export const ARCHIVE_CODECS: Record<ArchiveFormat, ArchiveCodec> = {
  'tar.gz': {
    tools: ['tar', 'gzip'],
    magic: [0x1f, 0x8b],
    // BusyBox tar takes the same options.
    extract: (archive, destination) => sh`tar --no-same-owner -xzf ${archive} -C ${destination}`,
    readManifest: readTarManifest,
    write: async (input) => (await import('../bundle/archive.js')).writeTarGz(input),
  },
  zip: {
    tools: ['unzip'],
    magic: [0x50, 0x4b, 0x03, 0x04],
    extract: (archive, destination) => sh`unzip -q ${archive} -d ${destination}`,
    readManifest: async (path) => ({
      sha256: await hashFile(path),
      manifest: await readZipEntry(path, MANIFEST),
    }),
    write: async (input) => (await import('../bundle/archive.js')).writeZip(input),
  },
};

export function archiveCodec(format: ArchiveFormat): ArchiveCodec {
  return ARCHIVE_CODECS[format];
}

/** The format whose magic bytes the file starts with. */
export async function sniffArchiveFormat(path: string): Promise<ArchiveFormat> {
  const longest = Math.max(...ARCHIVE_FORMAT_NAMES.map((f) => ARCHIVE_CODECS[f].magic.length));
  const head = Buffer.alloc(longest);
  const handle = await open(path, 'r');
  try {
    await handle.read(head, 0, longest, 0);
  } finally {
    await handle.close();
  }
  const format = ARCHIVE_FORMAT_NAMES.find((f) =>
    ARCHIVE_CODECS[f].magic.every((byte, i) => head[i] === byte),
  );
  if (format) return format;
  const [first, ...others] = ARCHIVE_FORMAT_NAMES;
  throw new AirgapError(
    `${path} is neither ${ARCHIVE_FORMAT_NAMES.map((f) => `a ${f}`).join(' nor ')} archive`,
    {
      hint: `pass the <bundle-id>.${first} (or .${others.join(', .')}) that airgap bundle wrote`,
      code: 'integrity',
    },
  );
}

/** Streams the file once, handing each chunk to `onChunk` as it is hashed. */
async function hashFile(path: string, onChunk?: (chunk: Buffer) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    onChunk?.(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** Hashes a tar.gz and parses it in the same pass; a damaged archive has no manifest. */
async function readTarManifest(
  path: string,
): Promise<{ sha256: string; manifest: Buffer | undefined }> {
  const { Parser } = await import('tar');
  let manifest: Buffer | undefined;
  const parser = new Parser({
    filter: (name) => name === MANIFEST,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        manifest = Buffer.concat(chunks);
      });
    },
  });
  let damaged = false;
  parser.on('warn', (_code: string, _message: string) => {
    damaged = true;
  });
  const sha256 = await hashFile(path, (chunk) => parser.write(chunk));
  await new Promise<void>((resolve) => parser.end(resolve));
  return { sha256, manifest: damaged ? undefined : manifest };
}

/**
 * Reads one stored or deflated entry of a zip through its central directory; enough for
 * the bundle.json that airgap's own zip writer puts at the end.
 */
async function readZipEntry(path: string, name: string): Promise<Buffer | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailSize = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailSize);
    await handle.read(tail, 0, tailSize, size - tailSize);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) return undefined;
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    const dir = Buffer.alloc(dirSize);
    await handle.read(dir, 0, dirSize, dirOffset);
    for (let at = 0; at + 46 <= dir.length && dir.readUInt32LE(at) === 0x02014b50; ) {
      const method = dir.readUInt16LE(at + 10);
      const compressed = dir.readUInt32LE(at + 20);
      const nameLength = dir.readUInt16LE(at + 28);
      const skip = nameLength + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32);
      const localOffset = dir.readUInt32LE(at + 42);
      if (dir.toString('utf8', at + 46, at + 46 + nameLength) === name) {
        const local = Buffer.alloc(30);
        await handle.read(local, 0, 30, localOffset);
        const start = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        const data = Buffer.alloc(compressed);
        await handle.read(data, 0, compressed, start);
        return method === 8 ? inflateRawSync(data) : data;
      }
      at += 46 + skip;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
