import type { Command } from 'commander';
import { ExitCode, type IngestResult, type IngestS3Result, ingest, ingestS3 } from '../index.js';
import { formatCounts } from '../model/counts.js';
import { fields, printJson, warn } from './output.js';

interface IngestFlags {
  repo?: string;
  bundle?: string;
  dryRun?: boolean;
  redact: boolean;
  check?: boolean;
  json?: boolean;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  profile?: string;
}

export function registerIngest(
  program: Command,
  run: (action: () => Promise<void>, json?: boolean) => Promise<void>,
): void {
  program
    .command('ingest')
    .description('turn pasted terminal output into a runbook and update the living docs')
    .argument(
      '<transcript>',
      'file holding the pasted output, - for standard input, or s3://bucket/key (a session log; a prefix ending in / for every log under it)',
    )
    .option('--repo <dir>', 'the ops repo (default: the git repo around the current directory)')
    .option('--bundle <id>', 'the bundle the transcript is for (checked against its markers)')
    .option('--dry-run', 'show what would change and write nothing')
    .option('--no-redact', 'keep secrets in the runbook (not recommended)')
    .option(
      '--check',
      'exit 25 when the outcome is failed, 26 when partial (for scripts and hooks)',
    )
    .option(
      '--region <region>',
      "s3:// only: the log bucket's region (default: from the bundle spec)",
    )
    .option('--endpoint <url>', 's3:// only: S3-compatible endpoint (VPC endpoint, MinIO)')
    .option('--force-path-style', 's3:// only: address the bucket in the path, not the host name')
    .option('--profile <name>', 's3:// only: AWS profile to use')
    .option('--json', 'print a JSON result instead of text')
    .action((transcript: string, flags: IngestFlags) =>
      run(async () => {
        const common = {
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.bundle ? { bundle: flags.bundle } : {}),
          dryRun: flags.dryRun ?? false,
          redact: flags.redact,
        };
        if (transcript.startsWith('s3://')) {
          const result = await ingestS3({
            url: transcript,
            ...common,
            ...(flags.region ? { region: flags.region } : {}),
            ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
            ...(flags.forcePathStyle ? { forcePathStyle: true } : {}),
            ...(flags.profile ? { profile: flags.profile } : {}),
          });
          const single = result.prefix ? undefined : result.logs[0]?.result;
          if (single) return report(single, flags);
          checkOutcomes(result, flags);
          if (flags.json) printJson({ ok: true, ...result });
          else process.stdout.write(prefixSummary(result, flags.dryRun ?? false));
          return;
        }
        report(await ingest({ transcript, ...common }), flags);
      }, flags.json),
    );
}

function outcomeExit(status: IngestResult['status']): number {
  return status === 'failed' ? ExitCode.outcomeFailed : ExitCode.outcomeIncomplete;
}

/** --check over a prefix: the worst outcome of the logs it ingested. */
function checkOutcomes(result: IngestS3Result, flags: IngestFlags): void {
  if (!flags.check) return;
  const statuses = result.logs.flatMap((l) => (l.result ? [l.result.status] : []));
  if (statuses.includes('failed')) process.exitCode = ExitCode.outcomeFailed;
  else if (statuses.some((s) => s !== 'deployed')) process.exitCode = ExitCode.outcomeIncomplete;
}

/** One line per log, the key after the prefix; a long reason on its own line (80 columns). */
function prefixSummary(result: IngestS3Result, dryRun: boolean): string {
  const lines = [`${result.url}: ${result.logs.length} object(s), oldest first`];
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
      lines.push(
        `  ${label.padEnd(9)} ${name}`,
        ...wrapWords(what, 68).map((w) => `${' '.repeat(12)}${w}`),
      );
    for (const w of log.result?.warnings ?? []) lines.push(`            warning: ${w}`);
  }
  const count = (s: string) => result.logs.filter((l) => l.status === s).length;
  lines.push(
    `${count('ingested')} ingested, ${count('already')} already ingested, ${count('skipped')} skipped`,
  );
  return `${lines.join('\n')}\n`;
}

function report(result: IngestResult, flags: IngestFlags): void {
  // Without --check a successful ingest exits 0 whatever the bundle's outcome.
  if (flags.check && result.status !== 'deployed') process.exitCode = outcomeExit(result.status);
  if (flags.json) {
    printJson({ ok: true, ...result });
    return;
  }
  for (const w of result.warnings) warn(w);
  const lines = [
    `${flags.dryRun ? 'would ingest' : 'ingested'} ${result.bundleId}: ${result.status ?? 'no bastion blocks'}${result.duplicate ? ' (transcript seen before)' : ''}`,
    fields([
      ['units', formatCounts(result.counts)],
      ...runsRow(result.runs),
      ['masked', maskedSummary(result.masked, result.maskedByRule)],
      [
        'images',
        result.images.length
          ? result.images.map((i) => `${i.repository}:${i.tag}`).join(', ')
          : 'none recorded',
      ],
      [
        'changed',
        result.changed.length
          ? result.changed.join('\n            ')
          : 'nothing (already up to date)',
      ],
    ]),
    ...(result.diff ? ['', result.diff] : []),
    result.runbook,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `3 secret value(s)` then one `n rule-id` per line, so the summary stays within 80 columns. */
function maskedSummary(total: number, byRule: Record<string, number>): string {
  const rules = Object.entries(byRule).map(([rule, n]) => `\n            ${n} ${rule}`);
  return `${total} secret value(s)${rules.join('')}`;
}

function runsRow(runs: number): Array<[string, string]> {
  return runs > 1 ? [['runs', `${runs} (see the runbook's Runs)`]] : [];
}

/** Words into lines of at most `width` characters (a longer word stays whole). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}
