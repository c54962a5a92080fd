import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleRecord } from '../../src/model/record.js';
import { tempDir } from './ops-repo.js';

/** A bundle dir holding `size` random bytes as its archive: upload does not care what is inside. */
export function fakeBundleDir(
  size: number,
  id = 'big-bundle-1234567',
  seed?: Buffer,
): { dir: string; sha256: string; content: Buffer } {
  const dir = join(tempDir('airgap-bundle-'), id);
  mkdirSync(dir, { recursive: true });
  const content = seed ?? randomBytes(size);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const file = `${id}.tar.gz`;
  writeFileSync(join(dir, file), content);
  writeFileSync(join(dir, `${file}.sha256`), `${sha256}  ${file}\n`);
  const s3 = { bucket: 'acme-airgap', prefix: 'bundles/dev', region: 'us-east-1' };
  const record: BundleRecord = {
    format: 'airgap-bundle/1',
    id,
    name: id.replace(/-[0-9a-f]{7}$/, ''),
    environment: 'dev',
    description: 'a fake bundle for upload tests',
    commit: '1234567890abcdef1234567890abcdef12345678',
    commitTime: '2026-01-01T00:00:00.000Z',
    specPath: 'bundles/big-bundle.yaml',
    spec: {
      name: 'big-bundle',
      environment: 'dev',
      description: 'a fake bundle for upload tests',
      files: ['k8s/**'],
      s3,
      verify: [],
      images: [],
      imageSources: {},
      allowSecrets: [],
    },
    files: [],
    units: [],
    images: [],
    missingImages: [],
    s3,
    archive: { file, format: 'tar.gz', sha256, size: content.length, key: `bundles/dev/${file}` },
  };
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(record));
  return { dir, sha256, content };
}
