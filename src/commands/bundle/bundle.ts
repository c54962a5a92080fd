import { contextOf } from '../context.js';
import { rerunFromStamp } from './rerun.js';
import type { BundleOptions, BundleResult } from './types.js';

export type { BundleOptions, BundleResult } from './types.js';

/**
 * An unchanged rerun is answered from the stamp the last bundle left (bundle-rerun.ts), without
 * loading the plan, zod or the spec and record schemas; anything else is planned and built in
 * full (bundle-build.ts), which decides whether the content was prepared before.
 */
export async function bundle(options: BundleOptions): Promise<BundleResult> {
  const { result, root, status, commit, specPath, vouched } = await rerunFromStamp(options);
  if (result) return result;
  const { git } = contextOf(options.context);
  // The tree of the commit .git's files name is listed while the plan's modules load (a tenth
  // of a second or two, and ls-tree of 50,000 files ~0.35 s of git's CPU), not after them; the
  // plan uses it only if git's HEAD is that commit. HEAD's commit and the committed spec
  // (`git show`) are asked meanwhile too, instead of after the modules have loaded.
  const tree = root && commit ? git.listTree(root, commit) : undefined;
  tree?.catch(() => {});
  const shown =
    root && specPath !== undefined && git.headCommitAndFile
      ? { specPath, answer: git.headCommitAndFile(root, specPath) }
      : undefined;
  shown?.answer.catch(() => {});
  return (await import('./build.js')).buildBundle(
    options,
    root,
    status,
    commit,
    tree,
    shown,
    vouched,
  );
}
