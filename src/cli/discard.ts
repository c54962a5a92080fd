import type { DiscardOptions, DiscardResult } from '../index.js';
import { discard } from '../index.js';
import type { CommandSpec } from './command.js';
import { fields, warn, wrapLine } from './output.js';

interface DiscardFlags {
  repo?: string;
  reason: string;
  json?: boolean;
}

export const discardCommand: CommandSpec<DiscardFlags, DiscardOptions, DiscardResult> = {
  name: 'discard',
  description: 'retire a bundle that will never be deployed (recorded in PENDING-CHANGES.md)',
  arguments: [['<bundle-id>', 'the bundle to retire, as airgap status lists it']],
  options: [
    {
      flags: '--reason <text>',
      description: 'why it will never be deployed (kept in the table)',
      required: true,
      keepEmpty: true,
    },
    {
      flags: '--repo <dir>',
      description: 'the ops repo (default: the git repo around the current directory)',
    },
  ],
  toOptions: ([bundleId], flags) => ({
    bundleId: bundleId ?? '',
    reason: flags.reason,
    repo: flags.repo,
  }),
  call: (options) => discard(options),
  print: (result, _flags) => {
    for (const w of result.warnings) warn(w);
    const already = result.previous === 'discarded';
    process.stdout.write(
      `${wrapLine(already ? `${result.bundleId} was already discarded (nothing changed)` : `discarded ${result.bundleId} (was ${result.previous})`)}\n${
        already ? '' : `${fields([['changed', result.changed.join(', ')]])}\n`
      }`,
    );
  },
};
