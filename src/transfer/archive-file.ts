import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { AirgapError } from '../errors.js';
import {
  archiveFileName,
  type ContentManifest,
  parseContentManifest,
  s3Key,
} from '../model/record.js';
import { archiveCodec, sniffArchiveFormat } from '../paste/archive-codecs.js';
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
  const format = await sniffArchiveFormat(path);
  const { sha256: actual, manifest } = await archiveCodec(format).readManifest(path);
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

function parseManifest(path: string, manifest: Buffer | undefined): ContentManifest {
  if (!manifest) {
    throw new AirgapError(`${path} is not an airgap bundle: it holds no bundle.json`, {
      hint: 'pass the archive airgap bundle wrote, or its bundle directory',
      code: 'integrity',
    });
  }
  return parseContentManifest(manifest.toString('utf8'), `${path}: bundle.json`);
}
