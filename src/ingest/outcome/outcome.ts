import { formatCounts, type OutcomeCounts } from '../../model/counts.js';
import type { BundleStatus } from '../../model/lifecycle.js';
import { countsInOutcome, isCloudShellKind, kindInfo } from '../../model/markers.js';
import type { Unit } from '../../model/record.js';
import type { SpooledAttempt } from '../parse/spool.js';
import {
  bundleStatus,
  distinctExecutions,
  mergeAttempts,
  statusOf,
  type UnitResult,
} from './merge.js';

export function countOutcome(results: readonly UnitResult[]): OutcomeCounts {
  const counts: OutcomeCounts = { ok: 0, failed: 0, skipped: 0, notYetSeen: 0, total: 0 };
  for (const r of results) {
    if (!countsInOutcome(r.kind)) continue;
    counts.total++;
    if (r.status === 'ok') counts.ok++;
    else if (r.status === 'failed') counts.failed++;
    else if (r.status === 'skipped') counts.skipped++;
    else counts.notYetSeen++;
  }
  return counts;
}

/** What the bastion's summary unit printed: it reads the state files, not the markers. */
export interface SummaryReport {
  success: boolean;
  ok?: number;
  failed?: number;
  skipped?: number;
  notRun?: number;
}

export function readSummary(output: string): SummaryReport | undefined {
  const result = /RESULT: (SUCCESS|FAILED)/.exec(output);
  if (!result) return undefined;
  const report: SummaryReport = { success: result[1] === 'SUCCESS' };
  // `not run`: what the helpers of bundles built before the one vocabulary print.
  const counts = /(\d+) ok, (\d+) failed, (\d+) skipped, (\d+) not (?:yet seen|run)/.exec(output);
  if (counts) {
    report.ok = Number(counts[1]);
    report.failed = Number(counts[2]);
    report.skipped = Number(counts[3]);
    report.notRun = Number(counts[4]);
  }
  return report;
}

/**
 * The transcript's verdict checked against the bastion's summary. A disagreement is never
 * resolved silently: the outcome is the worse of the two and the runbook says why.
 */
export function crossCheck(
  status: BundleStatus | undefined,
  counts: OutcomeCounts,
  summary: SummaryReport | undefined,
): { status: BundleStatus | undefined; disagreement?: string } {
  if (!summary || status === undefined) return { status };
  const said = summary.success ? 'SUCCESS' : 'FAILED';
  const theirs =
    summary.ok === undefined
      ? `RESULT: ${said}`
      : `${summary.ok} ok, ${summary.failed} failed, ${summary.skipped} skipped, ${summary.notRun} not yet seen (RESULT: ${said})`;
  const countsDiffer =
    summary.ok !== undefined &&
    (summary.ok !== counts.ok ||
      summary.failed !== counts.failed ||
      summary.skipped !== counts.skipped);
  if (!summary.success && status === 'deployed') {
    return {
      status: 'failed',
      disagreement: `the bastion's summary says ${theirs}, but the markers in the transcript say every unit succeeded (${formatCounts(counts)}); recorded as failed. A step's output may have printed an airgap marker: check the steps' output.`,
    };
  }
  // A partial paste disagrees with a complete summary by nature: the rest is not pasted yet.
  // Not about failures, though: more of them than the units not seen could hold is a forgery.
  const failuresHidden =
    summary.failed !== undefined && summary.failed > counts.failed + counts.notYetSeen;
  if (countsDiffer && (status !== 'partial' || failuresHidden)) {
    return {
      status: summary.success ? status : 'failed',
      disagreement: `the bastion's summary says ${theirs}; the transcript shows ${formatCounts(counts)}.`,
    };
  }
  return { status };
}

export interface Run {
  /** 1-based, in time order. */
  number: number;
  start: number;
  end: number;
  results: UnitResult[];
  status: BundleStatus | undefined;
  counts: OutcomeCounts;
}

/**
 * The bastion attempts split into pastes as splitRuns does, and those that ran nothing (every
 * unit skipped: pasted where the helpers were not loaded) set apart: such a paste is not a run
 * of the bundle, it stays on the record as a paste that ran nothing. Runs are numbered without
 * them. When no paste ran anything the latest is the one run (the record shows the skips).
 */
export function splitPastes(
  units: readonly Unit[],
  attempts: readonly SpooledAttempt[],
  cloudshell: readonly Unit[],
  refused?: (attempt: SpooledAttempt) => boolean,
): { runs: Run[]; ranNothing: Run[] } {
  const pastes = splitRuns(units, attempts, cloudshell, refused);
  const idle = pastes.filter((r) => nothingExecuted(r.results));
  if (idle.length === 0) return { runs: pastes, ranNothing: [] };
  // Nothing ran at all: the latest paste is the record (its units say why they were skipped).
  const runs =
    idle.length === pastes.length ? pastes.slice(-1) : pastes.filter((r) => !idle.includes(r));
  return {
    runs: runs.map((r, i) => ({ ...r, number: i + 1 })),
    ranNothing: idle.filter((r) => !runs.includes(r)),
  };
}

/**
 * Every bastion unit this paste began ended skipped, and at least one began: no step, check
 * or download executed (a skip is airgap_run's or helpers.sh's own refusal, never the unit's).
 */
function nothingExecuted(results: readonly UnitResult[]): boolean {
  const began = results
    .filter((r) => countsInOutcome(r.kind))
    .flatMap((r) => r.earlier.concat(r.final ?? []));
  return began.length > 0 && began.every((a) => statusOf(a) === 'skipped');
}

/**
 * Splits the bastion attempts into runs: each download starts one (a bundle run again from
 * block 2). Attempts before the first download belong to the first run. CloudShell blocks are
 * a separate session and join every run.
 */
export function splitRuns(
  units: readonly Unit[],
  attempts: readonly SpooledAttempt[],
  cloudshell: readonly Unit[],
  refused?: (attempt: SpooledAttempt) => boolean,
): Run[] {
  const onBastion = (a: SpooledAttempt) => !isCloudShellKind(a.kind);
  // Two copies of one execution are one attempt, so a copy ingested twice starts no run.
  const bastion = distinctExecutions(attempts.filter(onBastion));
  const others = attempts.filter((a) => !onBastion(a));
  const groups: SpooledAttempt[][] = [];
  for (const attempt of bastion) {
    const newRun = kindInfo(attempt.kind).startsRun;
    if (newRun && groups.at(-1)?.some((a) => kindInfo(a.kind).startsRun)) groups.push([]);
    if (!groups.length) groups.push([]);
    groups.at(-1)?.push(attempt);
  }
  if (!groups.length) groups.push([]);
  return groups.map((group, i) => {
    const results = mergeAttempts(units, [...group, ...others], cloudshell, refused);
    const begins = group.map((a) => a.beginEpoch);
    const ends = group.map((a) => a.endEpoch ?? a.beginEpoch);
    return {
      number: i + 1,
      start: begins.length ? Math.min(...begins) : Number.NaN,
      end: ends.length ? Math.max(...ends) : Number.NaN,
      results,
      status: bundleStatus(results),
      counts: countOutcome(results),
    };
  });
}

/**
 * The run that changed the cluster: the first that deployed, else the latest. For a rollback
 * (equal content prepared again after a later deployment) the latest: the earlier runs
 * deployed it the first time, before what it undoes.
 */
export function primaryRun(runs: readonly Run[], rollback = false): Run {
  if (rollback) return runs.at(-1) as Run;
  return runs.find((r) => r.status === 'deployed') ?? (runs.at(-1) as Run);
}

export { formatCounts, type OutcomeCounts };
