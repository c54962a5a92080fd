import type { BundleStatus } from '../docs/pending-changes.js';
import { countsInOutcome, type MarkerKind } from '../model/markers.js';
import type { Unit } from '../model/record.js';
import type { SpooledAttempt } from './spool.js';

export type UnitStatus = 'ok' | 'failed' | 'skipped' | 'incomplete' | 'not-run';

export interface UnitResult {
  key: string;
  n: number;
  kind: MarkerKind;
  name: string;
  command?: string | undefined;
  status: UnitStatus;
  /** The attempt the status comes from: the last one, or the last complete one. */
  final?: SpooledAttempt | undefined;
  /** Earlier attempts whose outcome or output differed (a retry, a first failure). */
  earlier: SpooledAttempt[];
}

export function statusOf(attempt: SpooledAttempt | undefined): UnitStatus {
  if (!attempt) return 'not-run';
  if (!attempt.complete) return 'incomplete';
  if (attempt.skipped) return 'skipped';
  return attempt.rc === 0 ? 'ok' : 'failed';
}

/**
 * Lines up every attempt with the unit it ran: the same block pasted twice collapses to one,
 * a retry keeps the earlier run as history, and a cut-off paste shows as incomplete.
 */
export function mergeAttempts(
  units: readonly Unit[],
  attempts: readonly SpooledAttempt[],
  cloudshell: readonly Unit[],
): UnitResult[] {
  const byKey = new Map<string, SpooledAttempt[]>();
  for (const attempt of attempts) {
    const key = `${attempt.kind}:${attempt.n}`;
    byKey.set(key, [...(byKey.get(key) ?? []), attempt]);
  }
  return [...units, ...cloudshell].map((unit) => {
    const key = `${unit.kind}:${unit.n}`;
    const all = byKey.get(key) ?? [];
    const completes = all.filter((a) => a.complete);
    const final = completes.at(-1) ?? all.at(-1);
    const earlier: SpooledAttempt[] = [];
    for (const attempt of all) {
      if (attempt === final) continue;
      const duplicate =
        attempt.complete === final?.complete &&
        attempt.rc === final?.rc &&
        attempt.skipped === final?.skipped &&
        attempt.outputSha256 === final?.outputSha256;
      if (
        !duplicate &&
        !earlier.some((e) => e.outputSha256 === attempt.outputSha256 && e.rc === attempt.rc)
      )
        earlier.push(attempt);
    }
    return {
      key,
      n: unit.n,
      kind: unit.kind,
      name: unit.name,
      command: unit.command,
      status: statusOf(final),
      final,
      earlier,
    };
  });
}

/** Deployed only when every bastion unit succeeded; undefined when no bastion unit ran. */
export function bundleStatus(results: readonly UnitResult[]): BundleStatus | undefined {
  const bastion = results.filter((r) => countsInOutcome(r.kind));
  if (!bastion.some((r) => r.final)) return undefined;
  if (bastion.some((r) => r.status === 'failed')) return 'failed';
  if (bastion.every((r) => r.status === 'ok')) return 'deployed';
  return 'partial';
}
