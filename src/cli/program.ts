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
  // Each command's help lists --debug too: it is accepted after any command.
  .configureHelp({ showGlobalOptions: true })
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

// Every command awaits all it starts (children, workers, writes): once its action has settled
// the process has nothing left to do but wind down, and the event loop's last turns (V8
// finishing an incremental mark it had started, timers of closed handles) took 10-40 ms of an
// unchanged rerun's 0.3-0.5 s wall at load 7-8. Exit as soon as stdout and stderr have taken
// what was written: pipes are asynchronous on some platforms, and a lost line would be worse.
const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit();
