/**
 * Which uncommitted paths a spec covers. Apart from plan.ts so that an unchanged rerun can ask
 * without loading the default plan, the manifest scanner and the secret rules behind it.
 */
import { AirgapError, ExitCode, isAirgapError } from '../errors.js';
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

/**
 * A glob that "matches no committed file" often names a file that exists but was never
 * committed: the refusal then names each uncommitted path the spec covers and what it is.
 */
export async function withUncommitted(
  error: unknown,
  spec: Pick<BundleSpec, 'files' | 'exclude'>,
  status: Promise<readonly DirtyPath[]>,
  specPath: string,
): Promise<unknown> {
  if (
    !isAirgapError(error) ||
    error.exitCode !== ExitCode.invalidSpec ||
    !error.details.some((line) => line.includes(NO_COMMITTED_MATCH))
  )
    return error;
  const dirty = await status.catch(() => []);
  const covered = dirtyMatches(spec, dirty, specPath).filter((d) => d.path !== specPath);
  if (!covered.length) return error;
  const shown = covered
    .slice(0, UNCOMMITTED_SHOWN)
    .map(
      (d) =>
        `${d.path}: ${d.status === '??' ? 'untracked' : 'not committed'}: commit it to ship it`,
    );
  if (covered.length > UNCOMMITTED_SHOWN)
    shown.push(`… and ${covered.length - UNCOMMITTED_SHOWN} more uncommitted (git status)`);
  return new AirgapError(error.message, {
    details: [...error.details, ...shown],
    hint: error.hint,
    code: 'invalidSpec',
    cause: error.cause,
  });
}

const UNCOMMITTED_SHOWN = 5;

/** How selectEntries words a glob that selects nothing; withUncommitted looks for it. */
export const NO_COMMITTED_MATCH = 'matches no committed file';
