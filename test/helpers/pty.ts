import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempDir } from './fixtures.js';

/**
 * Types `input` into `command` (an interactive shell) on a real pseudo-terminal through
 * script(1) fed from a file (in `scratch`), and returns everything the terminal showed.
 */
export function pasteIntoShell(
  scratch: TempDir,
  command: string,
  input: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string {
  const inputFile = join(scratch.dir(), 'typed.txt');
  writeFileSync(inputFile, input);
  const run = spawnSync(
    'bash',
    ['-c', `script -q -e -c ${JSON.stringify(command)} /dev/null < ${JSON.stringify(inputFile)}`],
    {
      env: { PS1: '[ec2-user@ip-10-0-1-23 ~]$ ', TERM: 'xterm', ...env },
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return run.stdout;
}
