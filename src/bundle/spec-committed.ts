import { join } from 'node:path';
import { AirgapError, ExitCode, isAirgapError } from '../errors.js';
import type { BundleSpec } from '../model/spec.js';
import { parseBundleSpecLazily } from '../model/spec-check.js';
import { readTextIfExists } from '../util/fs.js';

/**
 * The committed spec, parsed. When HEAD's version is invalid and the working copy differs, its
 * problems (at HEAD's lines) are not what the user sees in the file: the refusal says so. A
 * working copy that is valid is "fixed but not committed" (exit 4, as any modified file the
 * bundle covers); one that is invalid too is reported with its own lines (exit 3). Nothing
 * uncommitted is ever bundled: this only words the refusal.
 */
export async function parseCommittedSpec(
  committed: string,
  specPath: string,
  root: string,
): Promise<BundleSpec> {
  try {
    return await parseBundleSpecLazily(committed, specPath);
  } catch (error) {
    throw await againstWorkingCopy(error, committed, specPath, root);
  }
}

async function againstWorkingCopy(
  error: unknown,
  committed: string,
  specPath: string,
  root: string,
): Promise<unknown> {
  if (!isAirgapError(error) || error.exitCode !== ExitCode.invalidSpec) return error;
  const working = await readTextIfExists(join(root, specPath)).catch(() => undefined);
  if (working === undefined || working === committed) return error;
  const commitHint = `git add ${specPath} && git commit: airgap bundles only the committed spec`;
  try {
    await parseBundleSpecLazily(working, specPath);
  } catch (workingError) {
    if (!isAirgapError(workingError) || workingError.exitCode !== ExitCode.invalidSpec)
      return error;
    return new AirgapError(`${workingError.message}, in your working copy (not committed)`, {
      details: workingError.details,
      hint: `fix each line above, then commit it (${commitHint})`,
      code: 'invalidSpec',
      cause: error,
    });
  }
  return new AirgapError(`${specPath}: fixed but not committed (HEAD's version is invalid)`, {
    details: [`modified: ${specPath}`],
    hint: `commit it (${commitHint})`,
    code: 'dirtyTree',
    cause: error,
  });
}
