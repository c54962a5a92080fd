/**
 * Which uncommitted paths a spec covers. Apart from plan.ts so that an unchanged rerun can ask
 * without loading the default plan, the manifest scanner and the secret rules behind it.
 */
import type { BundleSpec } from '../model/spec.js';
import type { DirtyPath } from '../repo/git.js';
import { globMatcher } from '../util/glob.js';

export function makeMatcher(globs: readonly string[]): (path: string) => boolean {
  return globMatcher(globs, { dot: true });
}

/** Modified, staged or untracked paths that the spec's globs (or the spec itself) cover. */
export function dirtyMatches(
  spec: Pick<BundleSpec, 'files' | 'exclude'>,
  dirty: readonly DirtyPath[],
  specPath: string,
): DirtyPath[] {
  const include = makeMatcher(spec.files);
  const exclude = makeMatcher(spec.exclude ?? []);
  return dirty
    .filter((d) => d.path === specPath || (include(d.path) && !exclude(d.path)))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}
