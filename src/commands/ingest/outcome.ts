import type { UnitResult } from '../../ingest/outcome/merge.js';
import {
  countOutcome,
  crossCheck,
  type OutcomeCounts,
  primaryRun,
  readSummary,
  splitPastes,
} from '../../ingest/outcome/outcome.js';
import { readRange } from '../../ingest/parse/images.js';
import { adviceText, type PasteTrouble, troubleAdvice } from '../../ingest/parse/paste-trouble.js';
import type { SpooledAttempt } from '../../ingest/parse/spool.js';
import { iso } from '../../ingest/runbook/runbook.js';
import type { RunbookWarnings } from '../../ingest/runbook/runbook-notes.js';
import type { BundleTranscripts } from '../../ingest/runbook/transcripts.js';
import { HELPERS_MISSING } from '../../model/bastion-lines.js';
import { cloudshellUnits } from '../../model/image-plan.js';
import { countsInOutcome } from '../../model/markers.js';
import type { BundleRecord } from '../../model/record.js';
import { blocksRunning } from '../../model/unit-labels.js';

/**
 * Ingest's merge phase and the figures its result reports: which run of the transcript is the
 * bundle's outcome, checked against the summary the bastion printed.
 */

/** The day of the first attempt; today when none began (a transcript of errors alone). */
export function firstDayOf(attempts: readonly SpooledAttempt[], now: Date): string {
  const begins = attempts.map((a) => a.beginEpoch);
  const first = begins.length ? begins.reduce((a, b) => Math.min(a, b)) : now.getTime() / 1000;
  return iso(first).slice(0, 10);
}

/** The merge phase: runs, the primary run's units, and the check against the summary. */
export function decideOutcome(
  record: BundleRecord,
  attempts: readonly SpooledAttempt[],
  transcripts: BundleTranscripts,
  rollbackFrom: string | undefined,
  /** A rollback's row still prepared: the second it was prepared again (its runs are from then). */
  rollbackPreparedOn?: string,
) {
  const { runs, ranNothing } = splitPastes(
    record.units,
    attempts,
    record.plan?.cloudshellUnits ?? cloudshellUnits(record),
    refusedForHelpers,
  );
  const primary = primaryRun(runs, rollbackFrom !== undefined);
  const counts = countOutcome(primary.results);
  const summary = primary.results.find((r) => r.kind === 'summary')?.final;
  const checked = crossCheck(
    primary.status,
    counts,
    summary?.complete
      ? readSummary(readRange(summary.outputPath, summary.outputStart, summary.outputEnd))
      : undefined,
  );
  const warnings: RunbookWarnings = {
    rejoined: transcripts.spooled.flatMap((t) =>
      t.wrapWidth ? [{ transcript: t.name, width: t.wrapWidth }] : [],
    ),
    disagreement: checked.disagreement,
    runs,
    ranNothing,
    primary: primary.number,
    rollbackFrom,
  };
  // A rollback's runs are those since it was prepared again; older ones are its first
  // deployment, which must not mark the rollback done.
  const rollbackPending =
    rollbackPreparedOn !== undefined && !runs.some((r) => iso(r.start) >= rollbackPreparedOn);
  // The latest paste ran nothing for want of helpers (set apart from the runs).
  const idle = ranNothing.at(-1);
  const lastRefused =
    idle !== undefined &&
    runs.every((r) => r.start < idle.start) &&
    skippedForHelpers(idle.results);
  // Nothing ran: every unit refused, or the rollback's own paste was (its only run is older).
  const helpersNotLoaded = skippedForHelpers(primary.results) || (rollbackPending && lastRefused);
  // Said only while the bundle is not deployed: a paste that went wrong and was pasted again
  // since is history, not advice.
  if (checked.status !== 'deployed' || helpersNotLoaded) {
    const trouble = new Set<PasteTrouble>(transcripts.spooled.flatMap((t) => t.trouble ?? []));
    // The units said it themselves, also when the loader's own line is not in the transcript,
    // or the latest paste, or a retry after a unit's last execution, was refused.
    if (helpersNotLoaded || lastRefused || primary.results.some((r) => r.refused))
      trouble.add('helpers');
    const cutBlock = trouble.has('cut') ? firstUnseenBlock(record, primary.results) : undefined;
    if (trouble.size)
      warnings.pasteTrouble = [...trouble]
        .sort()
        .map((t) => adviceText(troubleAdvice(t, record, cutBlock)));
  }
  const retryBlock =
    checked.status === 'failed' || checked.status === 'partial'
      ? firstRetryBlock(record, primary.results)
      : undefined;
  return {
    results: primary.results,
    status: checked.status,
    counts,
    warnings,
    helpersNotLoaded,
    retryBlock,
    rollbackPending,
  };
}

/**
 * Every bastion unit was skipped by airgap_run itself because helpers.sh was not there (its
 * one output line, paste/helper-blocks.ts): nothing ran, so the bundle is where it was.
 */
export function skippedForHelpers(results: readonly UnitResult[]): boolean {
  const bastion = results.filter((r) => countsInOutcome(r.kind));
  return (
    bastion.length > 0 && bastion.every((r) => r.final !== undefined && refusedForHelpers(r.final))
  );
}

/** airgap_run's own refusal where helpers.sh is missing: a skip whose output is its line. */
function refusedForHelpers(attempt: SpooledAttempt): boolean {
  return (
    attempt.complete &&
    attempt.skipped === true &&
    readRange(attempt.outputPath, attempt.outputStart, attempt.outputEnd, 4096).startsWith(
      `airgap: ${HELPERS_MISSING}`,
    )
  );
}

/**
 * The PASTE.md block a cut paste stopped in: that of the first bastion unit without output
 * (the shell read its call, cut inside a quoted line, and the calls after it at its `>` prompt).
 */
function firstUnseenBlock(
  record: BundleRecord,
  results: readonly UnitResult[],
): number | undefined {
  const unseen = results.find((r) => countsInOutcome(r.kind) && !r.final);
  return unseen ? blocksRunning(record.plan, unseen.n, 'bastion')[0] : undefined;
}

/**
 * The PASTE.md block to paste again (with the blocks after it) to retry a failed or partial
 * run: that of its first failed bastion unit, else of the first one with no output.
 */
function firstRetryBlock(record: BundleRecord, results: readonly UnitResult[]): number | undefined {
  const failed = results.find((r) => countsInOutcome(r.kind) && r.status === 'failed');
  if (failed) return blocksRunning(record.plan, failed.n, 'bastion')[0];
  return firstUnseenBlock(record, results);
}

/** The one count, keyed as the JSON output always was. */
export function unitCounts(counts: OutcomeCounts): Record<string, number> {
  const units: Record<string, number> = {};
  if (counts.ok) units.ok = counts.ok;
  if (counts.failed) units.failed = counts.failed;
  if (counts.skipped) units.skipped = counts.skipped;
  if (counts.notYetSeen) units['not yet seen'] = counts.notYetSeen;
  return units;
}

export function sumByRule(counts: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of counts)
    for (const [rule, n] of Object.entries(c)) sum[rule] = (sum[rule] ?? 0) + n;
  return Object.fromEntries(Object.entries(sum).sort(([a], [b]) => a.localeCompare(b)));
}

/** A bastion unit that failed: what the human summary and --json name (the runbook quotes it). */
export interface FailedUnit {
  n: number;
  kind: string;
  name: string;
  command?: string;
  /** The exit code of its last run. */
  rc?: number;
  /** Its PASTE.md block (the bastion section's number) when the record's plan has it. */
  block?: number;
}

/** The units countOutcome counts as failed, with their PASTE.md block. */
export function failedUnits(record: BundleRecord, results: readonly UnitResult[]): FailedUnit[] {
  return results
    .filter((r) => countsInOutcome(r.kind) && r.status === 'failed')
    .map((r) => {
      const block = blocksRunning(record.plan, r.n, 'bastion')[0];
      return {
        n: r.n,
        kind: r.kind,
        name: r.name,
        ...(r.command ? { command: r.command } : {}),
        ...(r.final?.rc !== undefined ? { rc: r.final.rc } : {}),
        ...(block !== undefined ? { block } : {}),
      };
    });
}

/** aws s3 cp's answer for a key that is not there (HeadObject 404), and the helper's own line. */
const NOT_IN_S3 = /\(404\)|Not Found|NoSuchKey|airgap: not in S3/;

/**
 * Why the bundle failed when its download found no object: the archive was never uploaded, or
 * went to another bucket or prefix than the bastion reads (the record's). The cause and the
 * fix, naming the key and the PASTE.md blocks to paste; undefined for any other outcome.
 */
export function archiveNotInS3(
  record: BundleRecord,
  results: readonly UnitResult[],
): string | undefined {
  const download = results.find((r) => r.kind === 'download');
  const attempt = download?.final;
  if (download?.status !== 'failed' || !attempt) return undefined;
  const output = readRange(attempt.outputPath, attempt.outputStart, attempt.outputEnd, 65536);
  if (!NOT_IN_S3.test(output)) return undefined;
  const upload = (record.plan?.cloudshellUnits ?? cloudshellUnits(record)).find(
    (u) => u.kind === 'upload',
  );
  const cloudshell = blocksRunning(record.plan, upload?.n, 'cloudshell');
  const bastion = blocksRunning(record.plan, download.n, 'bastion');
  return `the archive was not in S3 at \`s3://${record.s3.bucket}/${record.archive.key}\`: upload it from CloudShell (${cloudshell.length ? `PASTE.md's CloudShell block ${cloudshell.join(' or ')}, ` : ''}or \`airgap upload <bundle dir>\` where AWS credentials are; one with --bucket or --prefix puts it where the bastion does not look), then paste ${bastion.length ? `bastion block ${bastion.join(' or ')}` : 'the download block'} and the blocks after it again`;
}
