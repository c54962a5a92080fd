import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { AirgapError } from '../errors.js';

/** `<spec>` is a name under <repo>/bundles/ or a path inside the repo; returns it repo-relative. */
export async function resolveSpecPath(root: string, spec: string, cwd: string): Promise<string> {
  if (spec.includes('/') || /\.ya?ml$/.test(spec)) {
    const absolute = isAbsolute(spec) ? spec : resolve(cwd, spec);
    const inRepo = relative(root, absolute);
    if (inRepo.startsWith('..') || isAbsolute(inRepo)) {
      throw new AirgapError(`${spec}: the bundle spec must be inside the ops repo (${root})`, {
        hint: 'keep specs in bundles/<name>.yaml and commit them',
        code: 'usage',
      });
    }
    // A folder was read through `git show` as a tree listing: "expected object, got string".
    if (existsSync(absolute) && statSync(absolute).isDirectory()) {
      throw await noSpec(root, `${spec} is a directory, not a bundle spec file`);
    }
    return inRepo.split('\\').join('/');
  }
  for (const ext of ['yaml', 'yml']) {
    if (existsSync(join(root, 'bundles', `${spec}.${ext}`))) return `bundles/${spec}.${ext}`;
  }
  throw await noSpec(root, `no bundle spec named "${spec}" in ${join(root, 'bundles')}`);
}

/** A spec that is not there, with the names that are (or how to make one). */
export async function noSpec(root: string, message: string): Promise<AirgapError> {
  const available = existsSync(join(root, 'bundles'))
    ? (await readdir(join(root, 'bundles')))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => f.replace(/\.ya?ml$/, ''))
    : [];
  return new AirgapError(message, {
    hint: available.length
      ? `available: ${available.sort().join(', ')}`
      : 'create bundles/<name>.yaml (`airgap init` writes a commented example to copy)',
    code: 'usage',
  });
}

export function pathProblem(path: string): string | undefined {
  if (path.includes('\\'))
    return `${path}: backslashes in file names do not survive tar and zip tools; rename it`;
  if (/^\w+:/.test(path))
    return `${path}: a name starting with "word:" is read as a drive letter by archive tools; rename it`;
  return undefined;
}
