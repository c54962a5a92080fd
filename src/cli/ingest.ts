import { ExitCode, type ExitCodeName } from '../errors.js';
import type { IngestOptions, IngestResult, IngestS3Options, IngestS3Result } from '../index.js';
import { ingest, ingestS3 } from '../index.js';
import { formatCounts } from '../model/counts.js';
import { type FailedPush, pushCutShort } from '../model/pushes.js';
import { capitalized, unitLabel } from '../model/unit-labels.js';
import type { CommandSpec } from './command.js';
import { type FieldValue, fields, warn, wrapLine, wrapWords } from './output.js';

interface IngestFlags {
  repo?: string;
  bundle?: string;
  dryRun: boolean;
  redact: boolean;
  check: boolean;
  region?: string;
  endpoint?: string;
  forcePathStyle: boolean;
  profile?: string;
  json?: boolean;
}

/** A file or stdin goes to ingest, an s3:// URL to ingestS3 (which reads the S3 options). */
type IngestCall = IngestOptions & Omit<IngestS3Options, 'url'>;

/** One transcript's result; a prefix of session logs gives one per log. */
type IngestOutput = IngestResult | IngestS3Result;

const isPrefixResult = (result: IngestOutput): result is IngestS3Result => 'logs' in result;

export const ingestCommand: CommandSpec<IngestFlags, IngestCall, IngestOutput> = {
  name: 'ingest',
  description: 'turn pasted terminal output into a runbook and update the living docs',
  arguments: [
    [
      '<transcript>',
      'file holding the pasted output, - for standard input, or s3://bucket/key (a session log; a prefix ending in / for every log under it)',
    ],
  ],
  options: [
    {
      flags: '--repo <dir>',
      description: 'the ops repo (default: the git repo around the current directory)',
    },
    {
      flags: '--bundle <id>',
      description: 'the bundle the transcript is for (checked against its markers)',
    },
    { flags: '--dry-run', description: 'show what would change and write nothing' },
    { flags: '--no-redact', description: 'keep secrets in the runbook (not recommended)' },
    {
      flags: '--check',
      description: `exit ${ExitCode.outcomeFailed} when the outcome is failed, ${ExitCode.outcomeIncomplete} when partial (for scripts and hooks)`,
      cliOnly: true,
    },
    {
      flags: '--region <region>',
      description: "s3:// only: the log bucket's region (default: from the bundle spec)",
    },
    {
      flags: '--endpoint <url>',
      description: 's3:// only: S3-compatible endpoint (VPC endpoint, MinIO)',
    },
    {
      flags: '--force-path-style',
      description: 's3:// only: address the bucket in the path, not the host name',
    },
    { flags: '--profile <name>', description: 's3:// only: AWS profile to use' },
  ],
  toOptions: ([transcript], flags) => ({
    transcript: transcript ?? '',
    repo: flags.repo,
    bundle: flags.bundle,
    dryRun: flags.dryRun,
    redact: flags.redact,
    region: flags.region,
    endpoint: flags.endpoint,
    // Absent is not false: the spec's s3.forcePathStyle applies unless the flag is given.
    forcePathStyle: flags.forcePathStyle || undefined,
    profile: flags.profile,
  }),
  call: async (options) => {
    const { transcript, region, endpoint, forcePathStyle, profile, ...common } = options;
    if (!transcript.startsWith('s3://')) return ingest({ transcript, ...common });
    const result = await ingestS3({
      url: transcript,
      ...common,
      region,
      endpoint,
      forcePathStyle,
      profile,
    });
    // One object reads like a file: its result as ingest gives it.
    const single = result.prefix ? undefined : result.logs[0]?.result;
    return single ?? result;
  },
  // Without --check a successful ingest exits 0 whatever the bundle's outcome; over a prefix,
  // the worst outcome of the logs it ingested.
  exitCode: (result, flags) => {
    if (!flags.check) return undefined;
    const statuses = isPrefixResult(result)
      ? result.logs.flatMap((l) => (l.result ? [l.result.status] : []))
      : [result.status];
    return outcomeExit(statuses);
  },
  print: (result, flags) => {
    if (isPrefixResult(result)) process.stdout.write(prefixSummary(result, flags.dryRun));
    else printIngested(result, flags);
  },
};

function outcomeExit(statuses: ReadonlyArray<IngestResult['status']>): ExitCodeName | undefined {
  if (statuses.includes('failed')) return 'outcomeFailed';
  return statuses.some((s) => s !== 'deployed') ? 'outcomeIncomplete' : undefined;
}

function printIngested(result: IngestResult, flags: IngestFlags): void {
  for (const w of result.warnings) warn(w);
  const lines = [
    wrapLine(
      `${flags.dryRun ? 'would ingest' : 'ingested'} ${result.bundleId}: ${result.status ?? 'no bastion blocks'}${result.duplicate ? ' (transcript seen before)' : ''}`,
    ),
    fields([
      ['units', formatCounts(result.counts)],
      ...failedRow(result.failedUnits),
      ...runsRow(result.runs),
      ['masked', maskedSummary(result.masked, result.maskedByRule)],
      [
        'images',
        result.images.length
          ? result.images.map((i) => `${i.repository}:${i.tag}`).join(', ')
          : 'none recorded',
      ],
      ...pushesRow(result.pushes),
      ['changed', result.changed.length ? result.changed : 'nothing (already up to date)'],
    ]),
    ...(result.diff ? ['', result.diff] : []),
    result.runbook,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** One line per log, the key after the prefix; a long reason on its own line (80 columns). */
function prefixSummary(result: IngestS3Result, dryRun: boolean): string {
  const lines = [wrapLine(`${result.url}: ${result.logs.length} object(s), oldest first`)];
  for (const log of result.logs) {
    const name = log.url.slice(result.url.length) || log.url;
    const label = {
      ingested: dryRun ? 'would' : 'ingested',
      already: 'already',
      skipped: 'skipped',
    }[log.status];
    const what = log.result
      ? `${log.result.bundleId}: ${log.result.status ?? 'no bastion blocks'}`
      : (log.reason ?? '');
    const line = `  ${label.padEnd(9)} ${name}  ${what}`;
    if (line.length <= 80) lines.push(line);
    else
      lines.push(...wrapWords(`  ${label.padEnd(9)} `, name), ...wrapWords(' '.repeat(12), what));
    for (const w of log.result?.warnings ?? [])
      lines.push(...wrapWords('            warning: ', w, 80, ' '.repeat(21)));
  }
  const count = (s: string) => result.logs.filter((l) => l.status === s).length;
  lines.push(
    `${count('ingested')} ingested, ${count('already')} already ingested, ${count('skipped')} skipped`,
  );
  return `${lines.join('\n')}\n`;
}

/** `3 secret value(s)` then one `n rule-id` per line, so the summary stays within 80 columns. */
function maskedSummary(total: number, byRule: Record<string, number>): string {
  const rules = Object.entries(byRule).map(([rule, n]) => `\n            ${n} ${rule}`);
  return `${total} secret value(s)${rules.join('')}`;
}

/** `1 failed, 0 ok (CloudShell image pushes)`, then each image not in ECR on its own line. */
function pushesRow(pushes: IngestResult['pushes']): Array<[string, FieldValue]> {
  if (!pushes) return [];
  // Only the images docs/ecr-manifest.md does not record from an earlier push are not in ECR.
  // A push whose output stops inside its block is not recorded: it may be in ECR or not.
  const listed = (keep: (f: FailedPush) => boolean) =>
    pushes.failed.flatMap((f) => (!f.inEcr && keep(f) ? [f.image] : []));
  const failed = listed((f) => !pushCutShort(f));
  const unrecorded = listed(pushCutShort);
  const cutCount = pushes.failed.filter(pushCutShort).length;
  const counts = `${pushes.failed.length - cutCount} failed, ${cutCount ? `${cutCount} not recorded, ` : ''}${pushes.ok} ok (CloudShell image pushes)`;
  // The images are lists (an unlabelled row: its items under the value column, listLines).
  const rows: Array<[string, FieldValue]> = [
    ['pushes', `${counts}${failed.length ? '; not in ECR:' : ''}`],
    ...(failed.length ? [['', failed] as [string, FieldValue]] : []),
  ];
  if (unrecorded.length) {
    const last = rows.at(-1)!;
    if (typeof last[1] === 'string') last[1] = `${last[1]}; may not be in ECR:`;
    else rows.push(['', 'may not be in ECR:']);
    rows.push(['', unrecorded]);
  }
  return rows;
}

/** One line per failed unit, as the runbook's Issues names it, cut to 80 columns. */
function failedRow(units: IngestResult['failedUnits']): Array<[string, FieldValue]> {
  if (!units.length) return [];
  const lines = units.map((u) => {
    // Named by its PASTE.md block, as the runbook and the bastion's skip lines name it.
    const end = u.rc !== undefined ? ` (exit code ${u.rc})` : '';
    const head = `${capitalized(unitLabel(u.n, u.block))}: ${u.name.replace(/\s+/g, ' ')}`;
    // 12 columns of label, then the line: the name gives way, the code and block stay.
    const room = 80 - 12 - end.length;
    return `${head.length > room ? `${head.slice(0, room - 1)}…` : head}${end}`;
  });
  return [['failed', lines]];
}

function runsRow(runs: number): Array<[string, string]> {
  return runs > 1 ? [['runs', `${runs} (see the runbook's Runs)`]] : [];
}
