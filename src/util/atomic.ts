import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { makeDirectory } from './fs.js';

/** Write a whole document so a crash leaves the old or the new file, never half of one. */
export async function writeFileAtomically(path: string, data: string | Buffer): Promise<void> {
  await makeDirectory(dirname(path));
  await writeFileAtomic(path, data);
}

/** Publish a finished directory in one rename, replacing an older one. */
export async function publishDirectory(tempDir: string, finalDir: string): Promise<void> {
  await rm(finalDir, { recursive: true, force: true });
  await rename(tempDir, finalDir);
}
