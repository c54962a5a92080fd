import { existsSync } from 'node:fs';
import { type FileHandle, mkdir, readFile } from 'node:fs/promises';
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

/**
 * All of `bytes`, from the file's position. A write that fills the disk returns a short count,
 * not an error, and then 0: that is ENOSPC, never a file cut short that its caller hashed whole.
 */
export async function writeFully(
  file: FileHandle,
  bytes: Uint8Array,
  path?: string,
): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done);
    if (bytesWritten === 0)
      throw Object.assign(
        new Error(`no space left on device${path === undefined ? '' : `, write '${path}'`}`),
        { code: 'ENOSPC', ...(path === undefined ? {} : { path }) },
      );
    done += bytesWritten;
  }
}
