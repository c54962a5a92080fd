import type { Command } from 'commander';
import { discard } from '../index.js';
import { fields, printJson, warn } from './output.js';

interface DiscardFlags {
  repo?: string;
  reason: string;
  json?: boolean;
}

export function registerDiscard(
  program: Command,
  run: (action: () => Promise<void>, json?: boolean) => Promise<void>,
): void {
  program
    .command('discard')
    .description('retire a bundle that will never be deployed (recorded in PENDING-CHANGES.md)')
    .argument('<bundle-id>', 'the bundle to retire, as airgap status lists it')
    .requiredOption('--reason <text>', 'why it will never be deployed (kept in the table)')
    .option('--repo <dir>', 'the ops repo (default: the git repo around the current directory)')
    .option('--json', 'print a JSON result instead of text')
    .action((bundleId: string, flags: DiscardFlags) =>
      run(async () => {
        const result = await discard({
          bundleId,
          reason: flags.reason,
          ...(flags.repo ? { repo: flags.repo } : {}),
        });
        if (flags.json) {
          printJson({ ok: true, ...result });
          return;
        }
        for (const w of result.warnings) warn(w);
        const already = result.previous === 'discarded';
        process.stdout.write(
          `${already ? `${bundleId} was already discarded (nothing changed)` : `discarded ${bundleId} (was ${result.previous})`}\n${
            already ? '' : `${fields([['changed', result.changed.join(', ')]])}\n`
          }`,
        );
      }, flags.json),
    );
}
