/**
 * CloudShell image pushes that did not succeed, as ingest reports them: the library's result,
 * the CLI summary, the runbook's notes and docs/ecr-manifest.md's rows all read these. No
 * imports: the CLI loads it for its summary without loading the document code.
 */

/** A CloudShell image push that did not end with exit code 0. */
export interface FailedPush {
  /** The ECR reference it was pushed to (`<registry>/<repository>:<tag>`). */
  image: string;
  /** `exit code 1`, or NO_END_MARKER when the output stops inside the block. */
  why: string;
  date: string;
  /**
   * true when docs/ecr-manifest.md (after this ingest) records the image in ECR for the
   * environment, from an earlier push or a describe-images: the failed push removed nothing.
   */
  inEcr?: true;
}

/** FailedPush.why of a push whose output stops inside its block: it may have finished later. */
export const NO_END_MARKER = 'no end marker';

/** The output stops inside the push: not recorded, it may be in ECR or not (not "failed"). */
export function pushCutShort(push: Pick<FailedPush, 'why'>): boolean {
  return push.why === NO_END_MARKER;
}
