import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A document's text, or undefined when the file does not exist yet. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  return existsSync(path) ? readFile(path, 'utf8') : undefined;
}

/** A document's text, or '' when the file does not exist yet (it will be created). */
export async function readTextOrEmpty(path: string): Promise<string> {
  return (await readTextIfExists(path)) ?? '';
}

/**
 * mkdir -p that reports the real reason: Node's recursive mkdir says ENOENT when a parent is
 * on a read-only file system or not writable. Retrying the first missing level alone gives
 * the kernel's answer (EROFS, EACCES) with that path.
 */
export async function makeDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = path;
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing)
      missing = dirname(missing);
    await mkdir(missing); // throws the kernel's reason, with the path
    await mkdir(path, { recursive: true });
  }
}
