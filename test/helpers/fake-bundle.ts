import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeRecord } from '../../scripts/lib/fake-record.js';
import type { TempDir } from './fixtures.js';

/** A bundle dir holding `size` random bytes as its archive: upload does not care what is inside. */
export function fakeBundleDir(
  scratch: TempDir,
  size: number,
  id = 'big-bundle-1234567',
  seed?: Buffer,
): { dir: string; sha256: string; content: Buffer } {
  const dir = join(scratch.dir('airgap-bundle-'), id);
  mkdirSync(dir, { recursive: true });
  const content = seed ?? randomBytes(size);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const file = `${id}.tar.gz`;
  writeFileSync(join(dir, file), content);
  writeFileSync(join(dir, `${file}.sha256`), `${sha256}  ${file}\n`);
  const record = fakeRecord({ id, file, sha256, size: content.length, prefix: 'bundles/dev' });
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(record));
  return { dir, sha256, content };
}
