import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { makeDirectory } from './fs.js';

/**
 * Write a whole document so a crash leaves the old or the new file, never half of one. With
 * `fsync: false` a crash may leave the old one even after we returned: for caches only.
 */
export async function writeFileAtomically(
  path: string,
  data: string | Buffer,
  options: { fsync?: boolean } = {},
): Promise<void> {
  await makeDirectory(dirname(path));
  await writeFileAtomic(path, data, { fsync: options.fsync !== false });
}

/** Publish a finished directory in one rename, replacing an older one. */
export async function publishDirectory(tempDir: string, finalDir: string): Promise<void> {
  await rm(finalDir, { recursive: true, force: true });
  await rename(tempDir, finalDir);
}
