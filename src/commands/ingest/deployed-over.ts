import { join } from 'node:path';
import type { PendingEntry } from '../../docs/pending-changes.js';
import { specNameOf } from '../../docs/supersede.js';
import { bastionRunsEnd } from '../../ingest/runbook/runbook-times.js';
import type { Git } from '../../repo/git-access.js';
import { readTextOrEmpty } from '../../util/fs.js';

/**
 * Older content deployed over newer: PENDING-CHANGES.md's order is preparation order and the
 * last deployed row of a spec is what runs (currentDeployments), so a bundle pasted after a
 * later-prepared one of its spec was deployed would read as replaced while the cluster runs
 * it (notes/s9/note-r9.md A). Returns the deployed row it went over: the last deployed row of
 * its spec and environment listed after it, when its latest deployed run began after every
 * run of that row's runbook ended. Rows only hold a day, so the runbook's Date line gives the
 * time; an older transcript ingested again (its run before that deployment) changes nothing.
 */
export async function deployedOver(
  root: string,
  entries: readonly PendingEntry[],
  bundleId: string,
  /** Epoch seconds at which this bundle's latest deployed run began. */
  runStart: number,
): Promise<PendingEntry | undefined> {
  const index = entries.findIndex((e) => e.bundleId === bundleId);
  const mine = entries[index];
  if (!mine || !Number.isFinite(runStart)) return undefined;
  const spec = specNameOf(bundleId);
  const newest = entries
    .slice(index + 1)
    .filter(
      (e) =>
        e.status === 'deployed' &&
        e.environment === mine.environment &&
        specNameOf(e.bundleId) === spec,
    )
    .at(-1);
  if (!newest) return undefined;
  const ended = await runbookEnd(root, newest.link);
  // Same second, or no time to compare: nothing says which ran last, so the order stands.
  return ended !== undefined && runStart * 1000 > ended ? newest : undefined;
}

/** When the runs of the runbook `link` points at ended, in ms (runbook-times.ts). */
async function runbookEnd(root: string, link: string): Promise<number | undefined> {
  const path = /^\[runbook\]\(([^)]+)\)$/.exec(link.trim())?.[1];
  if (!path) return undefined;
  return bastionRunsEnd(await readTextOrEmpty(join(root, path)));
}

/**
 * Ingest's one-line warning for it (human and --json alike). Once recorded current, preparing
 * the newer content again is a rollback from this bundle (bundle/current.ts rollbackOf).
 */
export function deployedOverWarning(bundleId: string, over: string): string {
  return `${bundleId} ran after ${over} was deployed: older content deployed over ${over}, now recorded as the current deployment; to deploy older content deliberately, prepare it again with \`airgap bundle\` first (a rollback); to undo this, prepare ${over}'s content again with \`airgap bundle\``;
}

/**
 * Whether the bundle ingested is newer content than the row it went over: `over` was itself
 * moved after it by an earlier ingest (its paste was ingested before this later run of the
 * newer bundle), so row order no longer tells. The commits do: content prepared from a
 * descendant commit is the newer. Unknown commits (a shallow clone) say no: the warning stays.
 */
export async function newerThan(
  git: Git,
  root: string,
  mine: string,
  over: PendingEntry,
): Promise<boolean> {
  if (!mine || !over.commit || mine.startsWith(over.commit) || over.commit.startsWith(mine))
    return false;
  const result = await git.run(root, ['merge-base', '--is-ancestor', over.commit, mine]);
  return result.code === 0;
}

/** The newer bundle ran again after older content went over it: current again, no advice. */
export function ranAgainWarning(bundleId: string, over: string): string {
  return `${bundleId} ran again after ${over} (older content) was deployed over it: ${bundleId} is recorded as the current deployment again`;
}
