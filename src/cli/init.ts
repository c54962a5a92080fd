import type { InitOptions, InitResult } from '../index.js';
import { init } from '../index.js';
import type { CommandSpec } from './command.js';
import { fields, wrapLine } from './output.js';

export const initCommand: CommandSpec<{ json?: boolean }, InitOptions, InitResult> = {
  name: 'init',
  description: 'set up an ops repo: example spec, managed blocks, .gitignore, docs/RUNBOOKS/',
  arguments: [['[dir]', 'the ops repo (default: the git repo around the current directory)']],
  options: [],
  toOptions: ([dir]) => ({ dir: dir || undefined }),
  call: (options) => init(options),
  print: (result) => {
    const none = result.created.length + result.updated.length === 0;
    process.stdout.write(
      `${wrapLine(none ? `${result.root} is already set up for airgap` : `set up ${result.root} for airgap`)}\n${fields(
        [
          // One file a line, as ingest lists what it changed: a list fits 80 columns.
          ['created', result.created.length ? result.created : '-'],
          ['updated', result.updated.length ? result.updated : '-'],
          ['next', nextStep(result.specs)],
        ],
      )}\n`,
    );
  },
};

/** A repo that has specs of its own bundles one of them; a new one starts from the example. */
function nextStep(specs: readonly string[]): string {
  if (!specs.length) return 'edit bundles/example.yaml, commit, then: airgap bundle example';
  const named = specs.length > 3 ? `${specs.slice(0, 3).join(', ')}, …` : specs.join(', ');
  return `commit, then: airgap bundle <spec> (${named})`;
}
