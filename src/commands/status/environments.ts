import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { AirgapError } from '../../errors.js';

/** The environments the specs in bundles/ name (working copy; a spec that does not parse names none). */
export async function specEnvironments(root: string): Promise<string[]> {
  const dir = join(root, 'bundles');
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f));
  const found = await Promise.all(
    names.map(async (name) => {
      try {
        const raw = yaml.load(await readFile(join(dir, name), 'utf8')) as { environment?: unknown };
        return typeof raw?.environment === 'string' ? [raw.environment] : [];
      } catch {
        return [];
      }
    }),
  );
  return found.flat();
}

/**
 * `--env` naming an environment no bundle and no spec names is a typo: a usage error (2) that
 * names the known ones, never "nothing needs attention" (a pre-push hook with a typo passed).
 */
export async function checkEnvironment(
  root: string,
  env: string | undefined,
  recorded: readonly string[],
): Promise<void> {
  if (env === undefined || recorded.includes(env)) return;
  const specs = await specEnvironments(root);
  if (specs.includes(env)) return;
  const known = [...new Set([...recorded, ...specs])].sort();
  throw new AirgapError(`unknown environment ${env}: no bundle and no spec in bundles/ names it`, {
    hint: known.length
      ? `known: ${known.join(', ')}`
      : 'no spec names an environment yet: write bundles/<name>.yaml (airgap init)',
    code: 'usage',
  });
}
