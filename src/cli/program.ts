/** The commander program behind `airgap`: every command, flag and usage error (main.ts loads it). */
import { Command } from 'commander';
import { GENERATOR_VERSION } from '../model/version.js';
import { addCommand } from './command.js';
import { COMMANDS } from './commands.js';
import { reportError } from './output.js';

const program = new Command();
program
  .name('airgap')
  .description(
    'Ship committed Kubernetes changes across an air gap: bundle, upload, paste, ingest.',
  )
  .version(GENERATOR_VERSION)
  .option('--debug', 'show stack traces for unexpected errors')
  .showHelpAfterError('(run airgap <command> --help for usage)');

async function run(action: () => Promise<void>, json: boolean): Promise<void> {
  try {
    await action();
  } catch (error) {
    process.exitCode = reportError(error, { json, debug: program.opts().debug === true });
  }
}

// Before the commands are added, so they inherit it: usage errors exit 2.
program.exitOverride((error) => {
  process.exit(error.exitCode === 0 ? 0 : 2);
});

for (const command of COMMANDS) addCommand(program, command, run);

await program.parseAsync(process.argv);
