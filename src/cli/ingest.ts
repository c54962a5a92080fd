import type { Command } from 'commander';
import { ingest } from '../index.js';
import { fields, printJson, warn } from './output.js';

interface IngestFlags {
  repo?: string;
  bundle?: string;
  dryRun?: boolean;
  redact: boolean;
  json?: boolean;
}

export function registerIngest(
  program: Command,
  run: (action: () => Promise<void>, json?: boolean) => Promise<void>,
): void {
  program
    .command('ingest')
    .description('turn pasted terminal output into a runbook and update the living docs')
    .argument('<transcript>', 'file holding the pasted output, or - for standard input')
    .option('--repo <dir>', 'the ops repo (default: the git repo around the current directory)')
    .option('--bundle <id>', 'the bundle the transcript is for (checked against its markers)')
    .option('--dry-run', 'show what would change and write nothing')
    .option('--no-redact', 'keep secrets in the runbook (not recommended)')
    .option('--json', 'print a JSON result instead of text')
    .action((transcript: string, flags: IngestFlags) =>
      run(async () => {
        const result = await ingest({
          transcript,
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.bundle ? { bundle: flags.bundle } : {}),
          dryRun: flags.dryRun ?? false,
          redact: flags.redact,
        });
        if (flags.json) {
          printJson({ ok: true, ...result });
          return;
        }
        for (const w of result.warnings) warn(w);
        const units = Object.entries(result.units)
          .map(([status, n]) => `${n} ${status}`)
          .join(', ');
        const lines = [
          `${flags.dryRun ? 'would ingest' : 'ingested'} ${result.bundleId}: ${result.status ?? 'no bastion blocks'}${result.duplicate ? ' (transcript seen before)' : ''}`,
          fields([
            ['units', units],
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
      }, flags.json),
    );
}

/** `3 secret value(s)` then one `n rule-id` per line, so the summary stays within 80 columns. */
function maskedSummary(total: number, byRule: Record<string, number>): string {
  const rules = Object.entries(byRule).map(([rule, n]) => `\n            ${n} ${rule}`);
  return `${total} secret value(s)${rules.join('')}`;
}
