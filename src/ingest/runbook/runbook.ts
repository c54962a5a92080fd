import { statSync } from 'node:fs';
import { escapeCell } from '../../docs/markdown-table.js';
import type { BundleStatus } from '../../model/lifecycle.js';
import { isCloudShellKind, kindInfo } from '../../model/markers.js';
import type { BundleRecord } from '../../model/record.js';
import { capitalized, unitLabeler } from '../../model/unit-labels.js';
import { redactText } from '../clean/redact.js';
import type { UnitResult } from '../outcome/merge.js';
import { formatCounts, type OutcomeCounts } from '../outcome/outcome.js';
import type { SpooledAttempt, SpooledTranscript } from '../parse/spool.js';
import type { FileSink } from '../read/lines.js';
import {
  fence,
  iso,
  outputHeading,
  type RunbookWarnings,
  writeIssues,
  writeRuns,
  writeTopNotes,
} from './runbook-notes.js';
import { copyCapped, leftOut, writeAttempt } from './runbook-output.js';
import { DATE_FROM_TRANSCRIPT } from './runbook-times.js';

export { iso };

export interface RunbookInput {
  record: BundleRecord;
  results: UnitResult[];
  transcripts: SpooledTranscript[];
  /** Repo-relative paths of the kept transcripts. */
  transcriptPaths: string[];
  status: BundleStatus | undefined;
  counts: OutcomeCounts;
  warnings: RunbookWarnings;
  redacted: boolean;
}

const min = (xs: readonly number[]) =>
  xs.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
const max = (xs: readonly number[]) =>
  xs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);

function outcome(result: UnitResult): string {
  const a = result.final;
  switch (result.status) {
    case 'ok':
      return 'exit code 0';
    case 'failed':
      return `**exit code ${a?.rc}**`;
    case 'skipped':
      return '**skipped**';
    case 'incomplete':
      return '**incomplete** (the paste ends before this block finished)';
    default:
      return 'no output yet in the transcript(s): paste the rest and ingest again';
  }
}

function resultLine(input: RunbookInput): string {
  const counts = formatCounts(input.counts);
  switch (input.status) {
    case 'deployed':
      return `**Deployed**: all ${input.counts.total} units succeeded.`;
    case 'failed':
      return `**Failed**: ${counts}; see Issues encountered.`;
    case 'partial':
      return `**Partial**: ${counts}. Units not yet seen have no output in the transcript(s) yet: paste the rest and ingest again.`;
    case 'prepared':
      // Ingest keeps a bundle prepared when every unit was refused for want of helpers.
      return `**Not run**: ${counts}; the helpers were not loaded in that shell, so nothing ran (see the Paste note).`;
    default:
      return 'No bastion blocks in the transcript(s): nothing was deployed.';
  }
}

/**
 * The generated body of the runbook: it goes inside the runbook's managed block. Its last line
 * has no line end, so that a caller hashing what is written hashes the block's lines.
 */
export function renderRunbook(sink: FileSink, input: RunbookInput): void {
  const { record } = input;
  // Named by their PASTE.md block, as PASTE.md and the bastion's own lines name them.
  const labelOf = unitLabeler(record.plan);
  const label = (r: UnitResult) =>
    labelOf(r.n, isCloudShellKind(r.kind) ? 'cloudshell' : 'bastion');
  // Commands come from the committed spec, but they are masked like output all the same.
  const mask = (text: string | undefined) =>
    text === undefined || !input.redacted ? text : redactText(text);
  // (Each masking builds a secrets engine: the echo is masked only where it is shown.)
  const results = input.results.map((r) => ({ ...r, command: mask(r.command) }));
  const keptOf = (a: SpooledAttempt) => input.transcriptPaths[a.transcript];
  const attempts = (rs: readonly UnitResult[]) =>
    rs.flatMap((r) => (r.final ? [r.final, ...r.earlier] : []));
  const ran = attempts(results);
  // The Date is the bastion run's, as the Runs table's: it is what changed the cluster.
  // CloudShell pushes are another session, often later (n9b 7): a row of their own when
  // they fall outside it. A runbook of CloudShell blocks alone is dated by them.
  const bastionRan = attempts(results.filter((r) => !isCloudShellKind(r.kind)));
  const dated = bastionRan.length ? bastionRan : ran;
  const begins = dated.map((a) => a.beginEpoch);
  const ends = dated.map((a) => a.endEpoch ?? a.beginEpoch);
  const pushes = bastionRan.length ? attempts(results.filter((r) => isCloudShellKind(r.kind))) : [];
  const pushBegins = pushes.map((a) => a.beginEpoch);
  const pushEnds = pushes.map((a) => a.endEpoch ?? a.beginEpoch);
  const pushesApart =
    pushes.length > 0 && (min(pushBegins) < min(begins) || max(pushEnds) > max(ends));
  const hosts = [...new Set(ran.map((a) => a.host).filter((h): h is string => Boolean(h)))].sort();
  const masked = input.transcripts.reduce((sum, t) => sum + t.masked, 0);
  const title = record.description;
  sink.line(`# Session: ${iso(min(begins)).slice(0, 10) || 'unknown date'} - ${title}`);
  sink.line('');
  writeTopNotes(sink, input.warnings);
  const rows: Array<[string, string]> = [
    [
      'Date',
      begins.length
        ? `${iso(min(begins))} to ${iso(max(ends))} ${DATE_FROM_TRANSCRIPT}`
        : 'no timestamps in the transcript',
    ],
    ...(pushesApart
      ? [
          [
            'CloudShell',
            `${iso(min(pushBegins))} to ${iso(max(pushEnds))} (UTC, its blocks: a session apart from the bastion run, not in Date)`,
          ] as [string, string],
        ]
      : []),
    ['Bundle', `\`${record.id}\``],
    ['Commit', `\`${record.commit}\``],
    ['Environment', record.environment],
    ['Host', hosts.join(', ') || 'unknown'],
    ['Objective', record.description],
    ['Result', resultLine(input)],
    ['Transcripts', input.transcriptPaths.map((p) => `\`${p}\``).join(', ')],
    [
      'Secrets',
      input.redacted
        ? `${masked} value(s) masked before writing (see each command)`
        : '**not redacted** (`--no-redact`)',
    ],
  ];
  sink.line('| | |');
  sink.line('|---|---|');
  for (const [k, v] of rows) sink.line(`| ${k} | ${escapeCell(v)} |`);
  sink.line('');
  sink.line('## Files shipped');
  sink.line('');
  sink.line('| File | Size | sha256 |');
  sink.line('|---|---|---|');
  for (const file of record.files)
    sink.line(`| \`${escapeCell(file.path)}\` | ${file.size} | \`${file.sha256}\` |`);
  sink.line('');
  sink.line(
    `Archive \`${record.archive.file}\`, sha256 \`${record.archive.sha256}\`, from \`s3://${record.s3.bucket}/${record.archive.key}\`.`,
  );
  sink.line('');

  const cloud = results.filter((r) => kindInfo(r.kind).section === 'cloudshell');
  if (cloud.some((r) => r.final)) {
    sink.line('## CloudShell');
    sink.line('');
    for (const r of cloud)
      if (r.final)
        writeAttempt(sink, r.final, r.command, `### ${r.name}`, '#### Output', keptOf(r.final));
  }
  const steps = results.filter((r) => ['transfer', 'step'].includes(kindInfo(r.kind).section));
  for (const r of steps) {
    if (!r.final) continue;
    writeAttempt(
      sink,
      r.final,
      // The record holds the command exactly; the echo can be cut by a terminal's wrap.
      r.command ?? mask(r.final.commandEcho),
      `## ${capitalized(label(r))}: ${r.name}`,
      `## ${outputHeading(label(r))}`,
      keptOf(r.final),
    );
  }
  sink.line('## Verification');
  sink.line('');
  const verify = results.filter((r) => kindInfo(r.kind).section === 'verify');
  if (!verify.some((r) => r.final)) sink.line('No verification command ran.\n');
  for (const r of verify)
    if (r.final)
      writeAttempt(
        sink,
        r.final,
        r.command,
        `### ${capitalized(label(r))}: ${r.command}`,
        `#### ${outputHeading(label(r))}`,
        keptOf(r.final),
      );

  const observed = results.filter((r) => kindInfo(r.kind).section === 'observe' && r.final);
  if (observed.length) {
    sink.line('## Observations');
    sink.line('');
    sink.line(
      `Read-only commands run after the summary; docs/env-details.md keeps the latest output of each for ${record.environment}.`,
    );
    sink.line('');
    for (const r of observed)
      writeAttempt(
        sink,
        r.final!,
        r.command,
        `### ${capitalized(label(r))}: ${r.name}`,
        `#### ${outputHeading(label(r))}`,
      );
  }

  const summaryRan = results.some(
    (r) => kindInfo(r.kind).section === 'summary' && r.final?.complete,
  );
  writeIssues(
    sink,
    results,
    input.status !== undefined,
    summaryRan,
    outcome,
    input.warnings.disagreement,
    label,
  );
  const retried = results.filter((r) => r.earlier.length);
  for (const r of retried) {
    for (const [i, a] of r.earlier.entries()) {
      const heading = `### ${capitalized(label(r))}, earlier run ${i + 1}`;
      writeAttempt(sink, a, r.command, heading, '#### Output', keptOf(a));
    }
  }

  writeRuns(sink, input.warnings.runs, input.warnings.primary, label);
  sink.line('## Other output');
  sink.line('');
  sink.line(
    'Everything in the transcript(s) outside the airgap blocks: prompts, echoed commands, anything typed by hand.',
  );
  sink.line('');
  for (const t of input.transcripts) {
    sink.line(`### ${t.name} (${t.lines} lines, ${t.otherLines} outside blocks)`);
    sink.line('');
    if (t.echoLines)
      sink.line(`The echo of the helper block (${t.echoLines} lines) is left out.\n`);
    const f = fence(t.otherBackticks);
    sink.line(`${f}text`);
    const omitted = copyCapped(sink, t.otherPath, 0, statSync(t.otherPath).size);
    sink.line(f);
    sink.line('');
    leftOut(sink, omitted, input.transcriptPaths[t.index]);
  }
  sink.line('## Result');
  sink.line('');
  const summary = results.find((r) => kindInfo(r.kind).section === 'summary')?.final;
  if (summary) {
    const f = fence(summary.longestBackticks);
    sink.line(`${f}text`);
    sink.copyFrom(summary.outputPath, summary.outputStart, summary.outputEnd);
    sink.line(f);
    sink.line('');
  }
  sink.write(resultLine(input));
}
