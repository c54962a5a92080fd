import { escapeCell } from '../../docs/markdown-table.js';
import type { ExternalImage } from '../../model/external-images.js';
import { countsInOutcome, isCloudShellKind, kindInfo } from '../../model/markers.js';
import type { NotDryRun } from '../../model/plan-notes.js';
import { type FailedPush, pushCutShort } from '../../model/pushes.js';
import { capitalized, headingAnchor } from '../../model/unit-labels.js';
import {
  type UnsetNamespace,
  unsetNamespaceText,
  unsetNamespaceTitle,
} from '../../model/unset-namespaces.js';
import { wrapText } from '../../util/format.js';
import type { UnitResult } from '../outcome/merge.js';
import { formatCounts, type Run } from '../outcome/outcome.js';
import { readRange } from '../parse/images.js';
import type { SpooledAttempt } from '../parse/spool.js';
import type { FileSink } from '../read/lines.js';
import { NO_BASTION_BLOCKS } from './runbook-times.js';

export const iso = (epoch: number | undefined) =>
  epoch === undefined || !Number.isFinite(epoch)
    ? ''
    : new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');

export function fence(longest: number): string {
  return '`'.repeat(Math.max(3, longest + 1));
}

/** How the runbook names a unit: `block 8, unit 6` (model/unit-labels.ts). */
export type UnitLabel = (r: UnitResult) => string;

/** The heading over a bastion unit's output: `Output of block 8, unit 6`. */
export const outputHeading = (label: string) => `Output of ${label}`;

/** Where a unit's full output is in the runbook (GitHub's heading anchors). */
function outputAnchor(r: UnitResult, label: UnitLabel): string {
  return kindInfo(r.kind).section === 'cloudshell'
    ? '#cloudshell'
    : headingAnchor(outputHeading(label(r)));
}

/** What the top of the runbook must say before anything else: how far to trust it. */
export interface RunbookWarnings {
  /** Terminal widths at which a transcript was hard-wrapped and rejoined, by transcript. */
  rejoined: Array<{ transcript: string; width: number }>;
  /** The bastion's summary and the markers disagree. */
  disagreement?: string | undefined;
  runs: Run[];
  /** Pastes in which every unit was skipped (outcome.ts splitPastes): not runs. */
  ranNothing?: Run[] | undefined;
  primary: number;
  /** The bundle was prepared again to undo this later deployment. */
  rollbackFrom?: string | undefined;
  /** That deployment was a rollback to this content's predecessor: this run redeploys it. */
  undoesRollback?: boolean | undefined;
  /** Images the bundle needs that docs/ecr-manifest.md does not show in ECR for it. */
  missingImages?: string[] | undefined;
  /** Images the manifests pull from outside the spec's ECR registry (external-images.ts). */
  externalImages?: readonly ExternalImage[] | undefined;
  /** CloudShell image pushes that failed or were cut short: not in ECR. */
  failedPushes?: readonly FailedPush[] | undefined;
  /** The download found no object: the cause and the fix (commands/ingest's archiveNotInS3). */
  notInS3?: string | undefined;
  /** Files whose namespaced objects went to the current namespace (unset-namespaces.ts). */
  unsetNamespaces?: readonly UnsetNamespace[] | undefined;
  /** What went wrong with the paste and what to do, a sentence each (paste-trouble.ts). */
  pasteTrouble?: string[] | undefined;
  /** Files the plan applied without a dry run or diff (model/plan-notes.ts). */
  notDryRun?: readonly NotDryRun[] | undefined;
}

export function writeTopNotes(sink: FileSink, warnings: RunbookWarnings): void {
  const notes: string[] = [];
  for (const { transcript, width } of warnings.rejoined)
    notes.push(
      `**Rejoined**: \`${transcript}\` was copied at ${width} columns; lines of exactly ${width} characters were joined with the next line. Commands below come from the bundle record.`,
    );
  if (warnings.disagreement)
    notes.push(`**The bastion's summary disagrees**: ${warnings.disagreement}`);
  if (warnings.notInS3) notes.push(`**Download failed**: ${warnings.notInS3}.`);
  for (const advice of warnings.pasteTrouble ?? [])
    notes.push(`**Paste**: ${advice[0]?.toUpperCase()}${advice.slice(1)}.`);
  // Said missing only where docs/ecr-manifest.md does not record the image from an earlier push.
  const failedPushes = warnings.failedPushes ?? [];
  const missing = failedPushes.filter((f) => !f.inEcr && !pushCutShort(f));
  const unrecorded = failedPushes.filter((f) => !f.inEcr && pushCutShort(f));
  const kept = failedPushes.filter((f) => f.inEcr);
  const pushList = (list: typeof failedPushes) =>
    list.map((f) => `\`${f.image}\` (${f.why})`).join(', ');
  if (missing.length)
    notes.push(
      `**Image push failed** in CloudShell: ${pushList(missing)}. Not in ECR: paste the CloudShell image block of PASTE.md again, and ingest its output.`,
    );
  if (unrecorded.length)
    notes.push(
      `**Image push not recorded** in CloudShell: ${unrecorded.map((f) => `\`${f.image}\``).join(', ')} (the output stops inside the push). May not be in ECR: paste the CloudShell image block of PASTE.md again, and ingest its output.`,
    );
  if (kept.length)
    notes.push(
      `**Image push failed** in CloudShell: ${pushList(kept)}. docs/ecr-manifest.md still records ${kept.length > 1 ? 'them' : 'it'} in ECR from an earlier push.`,
    );
  if (warnings.missingImages?.length)
    notes.push(
      `**Images not recorded in ECR** for this environment: ${warnings.missingImages.map((i) => `\`${i}\``).join(', ')}. Pods that use them cannot pull them until they are pushed (the CloudShell image block of PASTE.md) and docs/ecr-manifest.md records them.`,
    );
  if (warnings.externalImages?.length)
    notes.push(
      `**Images pulled from outside the air gap**: ${warnings.externalImages.map((e) => `\`${e.image}\`${e.file ? ` (\`${e.file}:${e.line}\`)` : ''}`).join(', ')}. The manifests name a registry other than ECR; nodes that reach only ECR cannot pull ${warnings.externalImages.length > 1 ? 'them' : 'it'} even once pushed: write ${warnings.externalImages.map((e) => `\`${e.ecrReference}\``).join(', ')} instead, or list the registry in the spec's \`ecr.mirrors\`.`,
    );
  for (const f of warnings.notDryRun ?? [])
    notes.push(
      `**Not dry-run first**: \`${f.path}\` creates ${f.creates} for its own objects, which a server dry run cannot see: it was applied without a dry run or diff.`,
    );
  // Within 80 columns: a quote of several lines (the `> ` of the first is added below).
  for (const u of warnings.unsetNamespaces ?? [])
    notes.push(
      wrapText('> ', '> ', `**${unsetNamespaceTitle(u)}**: ${unsetNamespaceText(u)}.`)
        .join('\n')
        .slice(2),
    );
  if (warnings.rollbackFrom && warnings.undoesRollback)
    notes.push(
      `**Redeploy**: this content was prepared again to undo the rollback to \`${warnings.rollbackFrom}\`; run ${warnings.primary} is the redeploy, recorded below.`,
    );
  else if (warnings.rollbackFrom)
    notes.push(
      `**Rollback**: this content was prepared again to undo \`${warnings.rollbackFrom}\`; run ${warnings.primary} is the rollback, recorded below.`,
    );
  if (warnings.runs.length > 1) {
    const list = warnings.runs
      .map(
        (r) =>
          `run ${r.number} at ${iso(r.start)} ${r.status ?? NO_BASTION_BLOCKS}${r.number === warnings.primary ? ' (recorded below)' : ''}`,
      )
      .join('; ');
    notes.push(
      `**Ran ${warnings.runs.length} times**: ${list}. The record below is run ${warnings.primary}, the one that ${warnings.undoesRollback ? 'redeployed it' : warnings.rollbackFrom ? 'rolled back' : 'changed the cluster'}; the others are listed under Runs.`,
    );
  }
  const idle = warnings.ranNothing ?? [];
  if (idle.length)
    notes.push(
      `**Pasted without running**: ${idle.map((r) => `at ${iso(r.start)} (${formatCounts(r.counts)})`).join('; ')}. Every unit of ${idle.length > 1 ? 'those pastes' : 'that paste'} was skipped (in a shell without the helpers, or refused), so nothing ran: not counted as a run.`,
    );
  for (const note of notes) {
    sink.line(`> ${note}`);
    sink.line('');
  }
}

const QUOTED_LINES = 10;
const QUOTED_WIDTH = 300;

/** The first lines of an attempt's output, for the Issues section (long lines cut). */
function firstLines(a: SpooledAttempt | undefined): string[] {
  if (!a || a.outputEnd <= a.outputStart) return [];
  const text = readRange(
    a.outputPath,
    a.outputStart,
    Math.min(a.outputEnd, a.outputStart + 65536),
    65536,
  );
  const lines = text.split('\n');
  if (a.outputEnd > a.outputStart + 65536 || lines.at(-1) === '') lines.pop();
  return lines
    .slice(0, QUOTED_LINES)
    .map((l) => (l.length > QUOTED_WIDTH ? `${l.slice(0, QUOTED_WIDTH)}…` : l));
}

export function writeIssues(
  sink: FileSink,
  results: readonly UnitResult[],
  outcomeKnown: boolean,
  summaryRanLater: boolean,
  describe: (r: UnitResult) => string,
  disagreement: string | undefined,
  unitLabel: UnitLabel,
): void {
  sink.line('## Issues encountered');
  sink.line('');
  const isCloud = (r: UnitResult) => isCloudShellKind(r.kind);
  // CloudShell blocks are a separate session: report them only when they ran.
  const problems = results.filter(
    (r) =>
      kindInfo(r.kind).section !== 'summary' &&
      r.status !== 'ok' &&
      // An observation that has not run yet is no issue; one that failed is worth a line.
      (kindInfo(r.kind).section !== 'observe' || r.status === 'failed') &&
      (isCloud(r) ? r.final : outcomeKnown),
  );
  // A unit run more than once is an issue only when one of its runs did not succeed: an
  // upload repeated after a successful one is not.
  const succeeded = (a: SpooledAttempt | undefined) => a?.complete && !a.skipped && a.rc === 0;
  const retried = results.filter(
    (r) => r.earlier.length && ![...r.earlier, r.final].every(succeeded),
  );
  if (disagreement)
    sink.line(`- The bastion's summary disagrees with the markers: ${disagreement}`);
  if (!problems.length && !retried.length && !disagreement) sink.line('None.');
  for (const r of problems) {
    const observed = kindInfo(r.kind).section === 'observe';
    const label = isCloud(r)
      ? `CloudShell ${unitLabel(r)}`
      : observed
        ? `Observation in ${unitLabel(r)}`
        : capitalized(unitLabel(r));
    const notRun =
      r.status === 'not-run' && summaryRanLater
        ? '**not run**: the bastion summary ran without it'
        : describe(r);
    const aside = observed ? ' (an observation: it does not change the outcome)' : '';
    sink.line(`- ${label} (${escapeCell(r.name)}): ${notRun}${aside}`);
    if (r.status !== 'failed') continue;
    const quoted = quote(sink, r.final);
    const more = (r.final?.lineCount ?? 0) > quoted;
    sink.line(
      `  ${quoted ? (more ? `First ${quoted} of ${r.final?.lineCount} lines; the` : 'The') : 'No output; the'} full block: [${outputHeading(unitLabel(r))}](${outputAnchor(r, unitLabel)}).`,
    );
    sink.line('');
  }
  for (const r of retried) {
    const label = isCloud(r) ? `CloudShell ${unitLabel(r)}` : capitalized(unitLabel(r));
    const history = [...r.earlier, r.final].map(attemptSummary).join(', then ');
    sink.line(
      `- ${label} (${escapeCell(r.name)}) ran ${r.earlier.length + 1} times: ${history}. Earlier runs below.`,
    );
    // A failure that a retry fixed is still what happened first: its error is quoted.
    if (!countsInOutcome(r.kind)) continue;
    for (const a of r.earlier) if (a.complete && !a.skipped && a.rc !== 0) quote(sink, a);
  }
  for (const r of results)
    if (r.final?.foreignMarkers)
      sink.line(
        `- ${capitalized(unitLabel(r))} (${escapeCell(r.name)}): its output printed ${r.final.foreignMarkers} airgap marker line(s) without this paste's nonce; they were kept as output and did not change its result.`,
      );
  sink.line('');
}

/** `rc=1 at 2026-02-13T05:41:46Z`: one attempt in a unit's history. */
function attemptSummary(a: SpooledAttempt | undefined): string {
  if (!a) return 'not run';
  const result = !a.complete ? 'no end marker' : a.skipped ? 'skipped' : `rc=${a.rc}`;
  return `${result} at ${a.utc ?? iso(a.beginEpoch)}`;
}

/** Quotes the first lines of an attempt's output, indented under a list item; how many. */
function quote(sink: FileSink, a: SpooledAttempt | undefined): number {
  const quoted = firstLines(a);
  sink.line('');
  if (quoted.length) {
    const f = fence(
      Math.max(0, ...quoted.flatMap((l) => (l.match(/`+/g) ?? []).map((t) => t.length))),
    );
    sink.line(`  ${f}text`);
    for (const l of quoted) sink.line(`  ${l}`);
    sink.line(`  ${f}`);
    sink.line('');
  }
  return quoted.length;
}

export function writeRuns(
  sink: FileSink,
  runs: readonly Run[],
  primary: number,
  unitLabel: UnitLabel,
): void {
  if (runs.length < 2) return;
  sink.line('## Runs');
  sink.line('');
  sink.line('| Run | Started | Ended | Result | Units |');
  sink.line('|---|---|---|---|---|');
  for (const r of runs) {
    const failed = r.results
      .filter((u) => countsInOutcome(u.kind) && u.status === 'failed')
      .map((u) => `${unitLabel(u)} failed`);
    sink.line(
      `| ${r.number}${r.number === primary ? ' (recorded above)' : ''} | ${iso(r.start)} | ${iso(r.end)} | ${r.status ?? NO_BASTION_BLOCKS}${failed.length ? `: ${failed.join(', ')}` : ''} | ${formatCounts(r.counts)} |`,
    );
  }
  sink.line('');
}
