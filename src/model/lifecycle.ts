/**
 * The lifecycle of a bundle as PENDING-CHANGES.md, ingest and status speak of it:
 * - `prepared`: built by `airgap bundle`, not yet run on the bastion;
 * - `deployed`: every step and verification passed;
 * - `failed`: a step failed (its output is in the runbook);
 * - `partial`: stopped before the end without a failure (a block not pasted yet);
 * - `discarded`: retired with `airgap discard`, never to be deployed.
 */
export type BundleStatus = 'prepared' | 'deployed' | 'failed' | 'partial' | 'discarded';

/** Outcomes a later deployment of the same spec makes moot (see docs/supersede.ts). */
export const SUPERSEDABLE: readonly BundleStatus[] = ['failed', 'partial', 'prepared'];
