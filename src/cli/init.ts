import type { Command } from 'commander';
import { init } from '../index.js';
import { fields, printJson } from './output.js';

export function registerInit(
  program: Command,
  run: (action: () => Promise<void>, json?: boolean) => Promise<void>,
): void {
  program
    .command('init')
    .description('set up an ops repo: example spec, managed blocks, .gitignore, docs/RUNBOOKS/')
    .argument('[dir]', 'the ops repo (default: the git repo around the current directory)')
    .option('--json', 'print a JSON result instead of text')
    .action((dir: string | undefined, flags: { json?: boolean }) =>
      run(async () => {
        const result = await init({ ...(dir ? { dir } : {}) });
        if (flags.json) {
          printJson({ ok: true, ...result });
          return;
        }
        const none = result.created.length + result.updated.length === 0;
        process.stdout.write(
          `${none ? `${result.root} is already set up for airgap` : `set up ${result.root} for airgap`}\n${fields(
            [
              ['created', result.created.join(', ') || '-'],
              ['updated', result.updated.join(', ') || '-'],
              ['next', 'edit bundles/example.yaml, commit, then: airgap bundle example'],
            ],
          )}\n`,
        );
      }, flags.json),
    );
}
