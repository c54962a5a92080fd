/**
 * Whether dist/airgap.mjs is still what a build would write. A stamp beside it lists every
 * file esbuild read (relative to the project), with one sha256 over their contents plus the
 * bundling script's own code, package-lock.json and the output itself. A build with nothing
 * changed (npm pack's prepack right after `npm run build`, as the README install does) then
 * skips esbuild and the parse for undefined globals: about 4.5 s of CPU.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

export interface Stamp {
  /** What esbuild read, relative to the project root. */
  inputs: string[];
  sha256: string;
  /** The line the build printed. */
  summary: string;
}

/** One sha256 over the files' names and contents; undefined when one is missing. */
export function filesDigest(files: readonly string[]): string | undefined {
  const hash = createHash('sha256');
  for (const file of files) {
    if (!existsSync(file)) return undefined;
    hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function digest(root: string, inputs: readonly string[], always: readonly string[]) {
  return filesDigest([...always, ...inputs.map((input) => resolve(root, input))]);
}

/** The stamp at `path` when every file it names (and `always`) is unchanged, else undefined. */
export function freshStamp(
  path: string,
  root: string,
  always: readonly string[],
): Stamp | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const stamp = JSON.parse(readFileSync(path, 'utf8')) as Stamp;
    if (!Array.isArray(stamp.inputs)) return undefined;
    return digest(root, stamp.inputs, always) === stamp.sha256 ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the stamp of a build that read `inputs` (absolute or relative to `root`). */
export function writeStamp(
  path: string,
  root: string,
  inputs: readonly string[],
  always: readonly string[],
  summary: string,
): void {
  const relativeInputs = inputs.map((input) => relative(root, resolve(root, input))).sort();
  const sha256 = digest(root, relativeInputs, always);
  if (sha256)
    writeFileSync(path, `${JSON.stringify({ inputs: relativeInputs, sha256, summary })}\n`);
}
