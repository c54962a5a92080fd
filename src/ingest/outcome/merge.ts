import type { BundleStatus } from '../../model/lifecycle.js';
import { countsInOutcome, type MarkerKind } from '../../model/markers.js';
import type { Unit } from '../../model/record.js';
import type { SpooledAttempt } from '../parse/spool.js';

export type UnitStatus = 'ok' | 'failed' | 'skipped' | 'incomplete' | 'not-run';

export interface UnitResult {
  key: string;
  n: number;
  kind: MarkerKind;
  name: string;
  command?: string | undefined;
  status: UnitStatus;
  /** The attempt the status comes from: the latest execution of the unit. */
  final?: SpooledAttempt | undefined;
  /** Every earlier execution, oldest first: a first failure stays on the record. */
  earlier: SpooledAttempt[];
  /**
   * Refusals for want of helpers after the unit's last execution (mergeAttempts' `refused`):
   * they changed nothing, so they are not its result; ingest says the helpers were not loaded.
   */
  refused?: SpooledAttempt[];
}

export function statusOf(attempt: SpooledAttempt | undefined): UnitStatus {
  if (!attempt) return 'not-run';
  if (!attempt.complete) return 'incomplete';
  if (attempt.skipped) return 'skipped';
  return attempt.rc === 0 ? 'ok' : 'failed';
}

/**
 * One execution of a unit is its begin marker: the paste's nonce and the second it began.
 * Two copies of a transcript (half a copy, then the whole) hold the same one. A retry pasted
 * in the same shell keeps the nonce and can begin in the same second: within one transcript a
 * repeated begin is the next execution unless it ended the same way as the one before it (the
 * same lines copied twice), and the k-th execution matches the k-th of another copy.
 */
function executionKeys(attempts: readonly SpooledAttempt[]): string[] {
  const last = new Map<string, { k: number; attempt: SpooledAttempt }>();
  const sameEnd = (a: SpooledAttempt, b: SpooledAttempt) =>
    a.complete === b.complete &&
    a.rc === b.rc &&
    a.skipped === b.skipped &&
    a.lineCount === b.lineCount;
  return attempts.map((a) => {
    const begin = `${a.kind}:${a.n}:${a.nonce ?? ''}:${a.beginEpoch}`;
    const inTranscript = `${a.transcript}:${begin}`;
    const before = last.get(inTranscript);
    const k = !before ? 0 : sameEnd(before.attempt, a) ? before.k : before.k + 1;
    last.set(inTranscript, { k, attempt: a });
    return `${begin}:${k}`;
  });
}

/** Of two copies of one execution the longer wins: the complete one, else more lines. */
function longer(a: SpooledAttempt, b: SpooledAttempt): SpooledAttempt {
  if (a.complete !== b.complete) return a.complete ? a : b;
  return b.lineCount > a.lineCount ? b : a;
}

/** Every execution once, in the order they began (then as they appear in the transcripts). */
export function distinctExecutions(attempts: readonly SpooledAttempt[]): SpooledAttempt[] {
  const byExecution = new Map<string, SpooledAttempt>();
  // In transcript order, so that the k-th begin of a transcript is counted as it appears.
  const ordered = [...attempts].sort((a, b) => a.transcript - b.transcript || a.seq - b.seq);
  const keys = executionKeys(ordered);
  ordered.forEach((attempt, i) => {
    const key = keys[i]!;
    const seen = byExecution.get(key);
    byExecution.set(key, seen ? longer(seen, attempt) : attempt);
  });
  const executions = [...byExecution.values()];
  const rank = shellRanks(executions);
  return executions.sort(
    (a, b) =>
      a.beginEpoch - b.beginEpoch ||
      rank(a) - rank(b) ||
      a.transcript - b.transcript ||
      a.seq - b.seq,
  );
}

/**
 * Markers tell time to the second, and kept pastes are named by the second they began and a
 * digest, so two pastes of one second sort in digest order, not the order they were made.
 * Executions of one second from two shells (two nonces: a whole paste into a new shell right
 * after one that ran nothing) are ordered by shell instead: the shell that began first, then
 * the one that ended first; one shell's executions keep their own order.
 */
function shellRanks(executions: readonly SpooledAttempt[]): (a: SpooledAttempt) => number {
  const shellOf = (a: SpooledAttempt) => (a.nonce ? `s:${a.nonce}` : `t:${a.transcript}`);
  const spans = new Map<string, { first: number; last: number; at: SpooledAttempt }>();
  for (const a of executions) {
    const end = a.endEpoch ?? a.beginEpoch;
    const span = spans.get(shellOf(a));
    if (!span) spans.set(shellOf(a), { first: a.beginEpoch, last: end, at: a });
    else {
      span.first = Math.min(span.first, a.beginEpoch);
      span.last = Math.max(span.last, end);
      if ((a.transcript - span.at.transcript || a.seq - span.at.seq) < 0) span.at = a;
    }
  }
  const order = [...spans.entries()].sort(
    ([, x], [, y]) =>
      x.first - y.first ||
      x.last - y.last ||
      x.at.transcript - y.at.transcript ||
      x.at.seq - y.at.seq,
  );
  const ranks = new Map(order.map(([shell], i) => [shell, i]));
  return (a) => ranks.get(shellOf(a)) ?? 0;
}

/**
 * Lines up every execution with the unit it ran. The latest decides the unit's status (a
 * retry that succeeded clears a failure); the earlier ones stay as its history. `refused`
 * tells airgap_run's refusal where helpers.sh is missing: helpers.sh never ran, so the
 * bastion's state (and its summary) still holds the unit's last execution, and a retry pasted
 * into such a shell after a failure leaves the failure standing instead of reading as skipped.
 */
export function mergeAttempts(
  units: readonly Unit[],
  attempts: readonly SpooledAttempt[],
  cloudshell: readonly Unit[],
  refused: (attempt: SpooledAttempt) => boolean = () => false,
): UnitResult[] {
  const byKey = new Map<string, SpooledAttempt[]>();
  for (const attempt of distinctExecutions(attempts)) {
    const key = `${attempt.kind}:${attempt.n}`;
    byKey.set(key, [...(byKey.get(key) ?? []), attempt]);
  }
  return [...units, ...cloudshell].map((unit) => {
    const key = `${unit.kind}:${unit.n}`;
    const every = byKey.get(key) ?? [];
    // Only refusals: nothing ran, and they are the record (the paste says why, as before).
    let end = every.length;
    if (every.some((a) => !refused(a))) while (refused(every[end - 1]!)) end--;
    const all = every.slice(0, end);
    const final = all.at(-1);
    return {
      key,
      n: unit.n,
      kind: unit.kind,
      name: unit.name,
      command: unit.command,
      status: statusOf(final),
      final,
      earlier: all.slice(0, -1),
      ...(end < every.length ? { refused: every.slice(end) } : {}),
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
