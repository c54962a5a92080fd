import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { AirgapError } from '../errors.js';
import {
  type ArchiveFormat,
  archiveFileName,
  type ContentManifest,
  parseContentManifest,
  s3Key,
} from '../model/record.js';
import { type LoadedBundle, loadBundleDir } from './bundle-dir.js';

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/**
 * A bundle directory or the archive alone. `expected` (from --sha256) must match either way:
 * it is the checksum the operator copied from PASTE.md.
 */
export async function loadBundle(path: string, expected?: string): Promise<LoadedBundle> {
  if (expected !== undefined) assertSha256(expected);
  if (existsSync(path) && (await stat(path)).isFile()) return loadArchiveFile(path, expected);
  const bundle = await loadBundleDir(path);
  if (expected !== undefined && expected !== bundle.sha256) {
    throw new AirgapError(`${bundle.archivePath} has sha256 ${bundle.sha256}, not ${expected}`, {
      hint: 'the bundle directory and the PASTE.md you copied --sha256 from are different bundles',
      code: 'integrity',
    });
  }
  return bundle;
}

/**
 * An archive on its own, as CloudShell holds it after "Upload file": the expected sha256
 * comes from the caller (PASTE.md embeds it) or a sidecar beside the file, and the S3
 * settings from the bundle.json the archive carries. The file is hashed and read in one
 * pass, and refused before anything is sent when the hash differs.
 */
export async function loadArchiveFile(path: string, expected?: string): Promise<LoadedBundle> {
  const sha256 = expected ?? (await sidecarSha256(path));
  assertSha256(sha256);
  const size = (await stat(path)).size;
  const format = await sniffFormat(path);
  const { actual, manifest } = await hashAndReadManifest(path, format);
  if (actual !== sha256) {
    throw new AirgapError(
      `${path} does not match the expected sha256: it is not the archive airgap built`,
      {
        details: [`expected ${sha256}`, `actual   ${actual}`],
        hint: 'upload the archive again (Actions > Upload file) or rebuild it with airgap bundle',
        code: 'integrity',
      },
    );
  }
  const inner = parseManifest(path, manifest);
  const file = archiveFileName(inner.id, format);
  const record = {
    ...inner,
    archive: { file, format, sha256, size, key: s3Key(inner.s3.prefix, file) },
  };
  return { record, archivePath: path, sidecar: `${sha256}  ${file}\n`, sha256, size };
}

function assertSha256(sha256: string): void {
  if (!SHA256_PATTERN.test(sha256)) {
    throw new AirgapError(`${sha256} is not a sha256 (64 lower-case hex digits)`, {
      hint: 'copy it from the CloudShell block of PASTE.md, or rebuild the bundle',
      code: 'usage',
    });
  }
}

async function sidecarSha256(path: string): Promise<string> {
  const sidecar = `${path}.sha256`;
  if (!existsSync(sidecar)) {
    throw new AirgapError(`no sha256 to check ${path} against: ${sidecar} is missing`, {
      hint: 'pass --sha256 <hex> (the CloudShell block of PASTE.md has it), or the bundle directory',
      code: 'usage',
    });
  }
  return (await readFile(sidecar, 'utf8')).trim().split(/\s+/)[0] ?? '';
}

async function sniffFormat(path: string): Promise<ArchiveFormat> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
    if (head.readUInt32LE(0) === 0x04034b50) return 'zip';
  } finally {
    await handle.close();
  }
  throw new AirgapError(`${path} is neither a tar.gz nor a zip archive`, {
    hint: 'pass the <bundle-id>.tar.gz (or .zip) that airgap bundle wrote',
    code: 'integrity',
  });
}

async function hashAndReadManifest(
  path: string,
  format: ArchiveFormat,
): Promise<{ actual: string; manifest: Buffer | undefined }> {
  const hash = createHash('sha256');
  let manifest: Buffer | undefined;
  const parser =
    format === 'tar.gz'
      ? new Parser({
          filter: (name) => name === 'bundle.json',
          onReadEntry: (entry: ReadEntry) => {
            const chunks: Buffer[] = [];
            entry.on('data', (chunk: Buffer) => chunks.push(chunk));
            entry.on('end', () => {
              manifest = Buffer.concat(chunks);
            });
          },
        })
      : undefined;
  let damaged = false;
  parser?.on('warn', (_code: string, _message: string) => {
    damaged = true;
  });
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    parser?.write(chunk as Buffer);
  }
  if (parser) await new Promise<void>((resolve) => parser.end(resolve));
  if (format === 'zip') manifest = await readZipEntry(path, 'bundle.json');
  return { actual: hash.digest('hex'), manifest: damaged ? undefined : manifest };
}

function parseManifest(path: string, manifest: Buffer | undefined): ContentManifest {
  if (!manifest) {
    throw new AirgapError(`${path} is not an airgap bundle: it holds no bundle.json`, {
      hint: 'pass the archive airgap bundle wrote, or its bundle directory',
      code: 'integrity',
    });
  }
  return parseContentManifest(manifest.toString('utf8'), `${path}: bundle.json`);
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
