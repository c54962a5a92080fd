import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AirgapError } from '../errors.js';
import { type ArchiveInfo, type ContentManifest, readRecord } from '../model/record.js';

/**
 * What upload knows of a bundle: a bundle dir has the whole record, the archive alone only its
 * content manifest (no commit) and the facts of the file itself.
 */
export type UploadableRecord = ContentManifest & { archive: ArchiveInfo; commit?: string };

export interface LoadedBundle {
  record: UploadableRecord;
  archivePath: string;
  /** The `sha256sum` line stored beside the object in S3. */
  sidecar: string;
  sha256: string;
  size: number;
}

/** Refuses a bundle dir that is incomplete or was altered after `airgap bundle`. */
export async function loadBundleDir(dir: string): Promise<LoadedBundle> {
  const recordPath = join(dir, 'bundle.json');
  if (!existsSync(dir)) {
    throw new AirgapError(`bundle directory not found: ${dir}`, {
      hint: 'pass the directory `airgap bundle` printed last',
      code: 'usage',
    });
  }
  if (!existsSync(recordPath)) {
    // The folder above the bundle dirs (.airgap/out) is a usage mistake, not a damaged copy.
    const inside = (await readdir(dir, { withFileTypes: true }).catch(() => []))
      .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'bundle.json')))
      .map((e) => e.name)
      .sort();
    if (inside.length) {
      throw new AirgapError(`${dir} holds bundle directories; pass one of them`, {
        details: [
          ...inside.slice(0, 5).map((name) => join(dir, name)),
          ...(inside.length > 5 ? [`… and ${inside.length - 5} more`] : []),
        ],
        hint: 'pass the directory `airgap bundle` printed last',
        code: 'usage',
      });
    }
    throw new AirgapError(`${dir} is not a bundle directory: bundle.json is missing`, {
      hint: 'copy the whole <bundle-id>/ directory that `airgap bundle` wrote',
      code: 'integrity',
    });
  }
  const record = await readRecord(recordPath);
  const archivePath = join(dir, record.archive.file);
  const sidecarPath = `${archivePath}.sha256`;
  for (const path of [archivePath, sidecarPath]) {
    if (!existsSync(path)) {
      throw new AirgapError(`the bundle is incomplete: ${path} is missing`, {
        hint: 'copy the whole <bundle-id>/ directory that `airgap bundle` wrote',
        code: 'integrity',
      });
    }
  }
  const sidecarText = await readFile(sidecarPath, 'utf8');
  const sidecar = sidecarText.trim().split(/\s+/)[0] ?? '';
  const size = (await stat(archivePath)).size;
  if (sidecar !== record.archive.sha256 || size !== record.archive.size) {
    throw alteredError(
      archivePath,
      record.archive.sha256,
      sidecar,
      `${size} bytes, expected ${record.archive.size}`,
    );
  }
  // The archive's own bytes are hashed while they are uploaded (see hashingGuard).
  return { record, archivePath, sidecar: sidecarText, sha256: sidecar, size };
}

export function alteredError(
  archivePath: string,
  expected: string,
  sidecar: string,
  actual: string,
): AirgapError {
  return new AirgapError(
    `${archivePath} does not match its checksum: it was changed after airgap bundle`,
    {
      details: [`expected ${expected}`, `sidecar  ${sidecar}`, `actual   ${actual}`],
      hint: 'rebuild the bundle with airgap bundle and copy it again',
      code: 'integrity',
    },
  );
}
