import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** A document's text, or undefined when the file does not exist yet. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  return existsSync(path) ? readFile(path, 'utf8') : undefined;
}

/** A document's text, or '' when the file does not exist yet (it will be created). */
export async function readTextOrEmpty(path: string): Promise<string> {
  return (await readTextIfExists(path)) ?? '';
}
