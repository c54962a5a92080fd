import type { Command } from 'commander';
import { AirgapError } from '../errors.js';
import { status } from '../index.js';
import { printJson } from './output.js';

interface StatusFlags {
  repo?: string;
  env?: string;
  check?: boolean;
  json?: boolean;
}

export function registerStatus(
  program: Command,
  run: (action: () => Promise<void>, json?: boolean) => Promise<void>,
): void {
  program
    .command('status')
    .description('what is prepared, deployed or failed per environment, from the repo alone')
    .option('--repo <dir>', 'the ops repo (default: the git repo around the current directory)')
    .option('--env <env>', 'only this environment')
    .option('--check', 'exit 1 when anything needs attention (for a pre-push hook)')
    .option('--json', 'print a JSON result instead of text')
    .action((flags: StatusFlags) =>
      run(async () => {
        const result = await status({
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.env ? { env: flags.env } : {}),
        });
        if (flags.json) printJson({ ok: result.attention.length === 0, ...result });
        else {
          const lines: string[] = [];
          if (!result.environments.length)
            lines.push('no bundles recorded yet (run airgap bundle <spec>)');
          for (const env of result.environments) {
            lines.push(`${env.environment}`);
            const list = (
              label: string,
              items: Array<{ bundleId: string; date: string; link: string }>,
            ) => {
              for (const e of items) lines.push(`  ${label.padEnd(9)} ${e.bundleId}  ${e.date}`);
            };
            list('deployed', env.deployed);
            list('failed', env.failed);
            list('partial', env.partial);
            list('prepared', env.prepared);
            list('discarded', env.discarded);
            lines.push(...supersededLines(env.superseded));
            for (const m of env.missingImages)
              lines.push(`  no ECR    ${m.image}`, ...wrapIds('            for ', m.bundleIds));
            for (const d of env.drift)
              lines.push(
                `  drift     ${d.spec}: ${d.files.length} file(s) changed since ${d.since}`,
              );
          }
          lines.push(
            result.attention.length
              ? `${result.attention.length} item(s) need attention`
              : 'nothing needs attention',
          );
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (flags.check && result.attention.length) {
          throw new AirgapError(`${result.attention.length} item(s) need attention`, {
            details: result.attention,
            code: 'failure',
          });
        }
      }, flags.json),
    );
}

/** Superseded bundles collapse to one line per deployment that replaced them. */
function supersededLines(superseded: ReadonlyArray<{ status: string; by: string }>): string[] {
  const byDeployment = new Map<string, string[]>();
  for (const e of superseded) byDeployment.set(e.by, [...(byDeployment.get(e.by) ?? []), e.status]);
  return [...byDeployment].map(([by, statuses]) => {
    const counts = [...new Set(statuses)].map(
      (s) => `${statuses.filter((x) => x === s).length} ${s}`,
    );
    return `  superseded ${statuses.length} by ${by} (${counts.join(', ')})`;
  });
}

/** Bundle ids after a prefix, as many per line as fit in 80 columns. */
function wrapIds(prefix: string, ids: readonly string[]): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const id of ids) {
    const next = line === prefix ? `${line}${id}` : `${line}, ${id}`;
    if (next.length > 80 && line !== prefix) {
      lines.push(`${line},`);
      line = `${' '.repeat(prefix.length)}${id}`;
    } else line = next;
  }
  return [...lines, line];
}
