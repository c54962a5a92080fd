import { ExitCode } from '../errors.js';
import type { StatusOptions, StatusResult } from '../index.js';
import { status } from '../index.js';
import type { CommandSpec } from './command.js';
import { listLines, report, WIDTH, wrapLine, wrapWords } from './output.js';

interface StatusFlags {
  repo?: string;
  env?: string;
  check: boolean;
  json?: boolean;
}

export const statusCommand: CommandSpec<StatusFlags, StatusOptions, StatusResult> = {
  name: 'status',
  description: 'what is prepared, deployed or failed per environment, from the repo alone',
  arguments: [],
  options: [
    {
      flags: '--repo <dir>',
      description: 'the ops repo (default: the git repo around the current directory)',
    },
    { flags: '--env <env>', description: 'only this environment' },
    {
      flags: '--check',
      description: `exit ${ExitCode.attention} when anything needs attention (for a pre-push hook)`,
      cliOnly: true,
    },
  ],
  toOptions: (_args, flags) => ({ repo: flags.repo, env: flags.env }),
  call: (options) => status(options),
  json: (result) => ({ ok: result.attention.length === 0, ...result }),
  exitCode: (result, flags) => (flags.check && result.attention.length ? 'attention' : undefined),
  print: (result, flags) => {
    const lines: string[] = [];
    if (!result.environments.length && !result.unreadableRecords.length)
      lines.push(
        // A mistyped --env said "no bundles recorded yet" of a repo full of them.
        flags.env && result.knownEnvironments.length
          ? wrapLine(
              `no bundles for environment ${flags.env} (known: ${result.knownEnvironments.join(', ')})`,
            )
          : 'no bundles recorded yet (run airgap bundle <spec>)',
      );
    // First: while a record is unread, what the environments below show may be incomplete.
    for (const r of result.unreadableRecords)
      lines.push(
        ...wrapWords('  unreadable ', r.problem),
        ...(r.hint ? wrapWords('             hint: ', r.hint) : []),
      );
    // A label, then words that wrap 12 columns in: an image or a spec name is copied whole.
    const row = (label: string, text: string) => wrapWords(`  ${label.padEnd(9)} `, text);
    for (const env of result.environments) {
      lines.push(...wrapWords('', env.environment));
      // Ids padded to the environment's widest, so that the dates below one another align.
      const idWidth = Math.max(
        0,
        ...[env.deployed, env.failed, env.partial, env.prepared, env.discarded].flatMap((items) =>
          items.map((e) => e.bundleId.length),
        ),
      );
      const dated = (e: { bundleId: string; date: string }) =>
        `${e.bundleId.padEnd(idWidth)}  ${e.date}`;
      const list = (label: string, items: Array<{ bundleId: string; date: string }>) => {
        for (const e of items) lines.push(...row(label, dated(e)));
      };
      // Two deployed bundles of one spec (a newer one, or a rollback): which one runs there now.
      const replaced = new Set(env.deployed.filter((e) => !e.current).map((e) => e.spec));
      for (const e of env.deployed)
        lines.push(
          ...row('deployed', `${dated(e)}${e.current && replaced.has(e.spec) ? '  current' : ''}`),
        );
      list('failed', env.failed);
      list('partial', env.partial);
      list('prepared', env.prepared);
      list('discarded', env.discarded);
      lines.push(...supersededLines(env.superseded));
      if (env.observed)
        lines.push(
          ...row(
            'observed',
            `${env.observed.at.replace('T', ' ').replace('Z', ' UTC')}  ${env.observed.bundle}`,
          ),
        );
      // An image pulled from outside and not in ECR either is one item, under outside: the
      // reference to write is the one to push.
      const covered = new Set(env.externalImages.filter((e) => e.notInEcr).map((e) => e.image));
      for (const m of env.missingImages.filter((m) => !covered.has(m.image)))
        lines.push(...row('no ECR', m.image), ...wrapIds('            for ', m.bundleIds));
      for (const e of env.externalImages)
        lines.push(
          ...row('outside', e.image),
          ...writeLines(e.ecrReference, e.notInEcr),
          ...wrapIds('            for ', e.bundleIds),
        );
      for (const d of env.drift)
        lines.push(
          ...row('drift', `${d.spec}: ${d.files.length} file(s) changed since ${d.since}`),
        );
    }
    lines.push(
      result.attention.length
        ? `${result.attention.length} item(s) need attention`
        : 'nothing needs attention',
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    // A pre-push hook shows stderr: what needs attention goes there too, one item a line.
    if (flags.check && result.attention.length)
      report(
        `${result.attention.length} item(s) need attention`,
        // report indents each line by two: 78 columns left, continuations two further in.
        result.attention.flatMap((item) => wrapWords('', item, 78, '  ')),
      );
  },
};

/**
 * Superseded bundles collapse to one line per deployment that replaced them; their ids follow
 * in the id column (12 columns in, as the lists above), so the one that failed is named.
 */
function supersededLines(
  superseded: ReadonlyArray<{ bundleId: string; status: string; by: string }>,
): string[] {
  const byDeployment = new Map<string, Array<{ bundleId: string; status: string }>>();
  for (const e of superseded) byDeployment.set(e.by, [...(byDeployment.get(e.by) ?? []), e]);
  return [...byDeployment].flatMap(([by, entries]) => {
    const statuses = entries.map((e) => e.status);
    const counts = [...new Set(statuses)].map(
      (s) => `${statuses.filter((x) => x === s).length} ${s}`,
    );
    return [
      ...wrapWords(
        '  superseded ',
        `${statuses.length} by ${by} (${counts.join(', ')})`,
        80,
        ' '.repeat(12),
      ),
      ...wrapIds(
        ' '.repeat(12),
        entries.map((e) => `${e.bundleId} (${e.status})`),
      ),
    ];
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

/**
 * `write <reference>` at the value column (12) when it fits 80 columns; else `write` alone and
 * the reference on the next line at column 2, or at the margin when wider than 78 (listLines,
 * the rule of every list). Whether it is in ECR follows it, or goes on a line at column 12.
 */
function writeLines(reference: string, notInEcr: boolean): string[] {
  const lines = listLines(`${' '.repeat(12)}write `, [reference]);
  if (!notInEcr) return lines;
  const note = '(not in ECR yet: push it)';
  const last = lines.at(-1) ?? '';
  if (last.length + 1 + note.length <= WIDTH) lines[lines.length - 1] = `${last} ${note}`;
  else lines.push(`${' '.repeat(12)}${note}`);
  return lines;
}
