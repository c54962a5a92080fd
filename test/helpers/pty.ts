import { spawn, spawnSync } from 'node:child_process';
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
    // exec: the timeout's SIGTERM reaches script(1), which ends the shell. Under a bash -c that
    // waited for it, script and the shell outlived a paste that hung, orphaned.
    [
      '-c',
      `exec script -q -e -c ${JSON.stringify(command)} /dev/null < ${JSON.stringify(inputFile)}`,
    ],
    {
      env: { PS1: '[ec2-user@ip-10-0-1-23 ~]$ ', TERM: 'xterm', ...env },
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return run.stdout;
}

/** What readline writes when it takes the terminal to read a line (bracketed paste on). */
const READLINE_TAKES = '\x1b[?2004h';
const READLINE_GIVES_BACK = '\x1b[?2004l';

/**
 * Pastes `input` into interactive bash on a pseudo-terminal, then presses each of `keys` (Ctrl-D
 * is '\x04') once bash has read every line before it and waits at its prompt; returns what the
 * terminal showed. A key typed ahead with the paste is not the same key: the terminal reads
 * Ctrl-D as end-of-file only while bash's line editor holds it, and between two lines, or while
 * a command runs, the kernel's line discipline turns it into an empty read that readline then
 * sees as a NUL byte. Bash waited at `>` for a second Ctrl-D that never came, script(1) sent its
 * own only if the paste was read within two seconds, and the test hung for a minute
 * (paste-trouble.test's cut-quote case, 1 run in 16 at load 6-9).
 *
 * Waiting is on bash's own output, not on time: readline writes READLINE_TAKES each time it takes
 * the terminal for a line, after setting it up, so once that has been written one time more than
 * the lines typed so far (and not given back), bash has read them all and waits in the editor.
 */
export async function pasteThenKeys(
  scratch: TempDir,
  input: string,
  keys: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<string> {
  // The system's settings, and bracketed paste on whatever readline's default (bash 5.1 turned
  // it on): the wait below reads its output.
  const inputrc = join(scratch.dir(), 'inputrc');
  writeFileSync(inputrc, '$include /etc/inputrc\nset enable-bracketed-paste on\n');
  const child = spawn('script', ['-q', '-e', '-c', 'bash --norc -i', '/dev/null'], {
    env: { PS1: '[ec2-user@ip-10-0-1-23 ~]$ ', TERM: 'xterm', ...env, INPUTRC: inputrc },
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let wake = () => {};
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text;
    wake();
  });
  const closed = new Promise<void>((done) => child.on('close', () => done()));
  child.on('close', () => wake());
  const lines = input.split('\n').length - 1;
  const waitingAt = (prompts: number) =>
    output.split(READLINE_TAKES).length - 1 >= prompts &&
    output.lastIndexOf(READLINE_TAKES) > output.lastIndexOf(READLINE_GIVES_BACK);
  // Only for a shell that never reads its input: fails with what the terminal showed.
  const hung = setTimeout(() => child.kill(), 60_000);
  try {
    child.stdin.write(input);
    for (const [i, key] of keys.entries()) {
      // Each key so far ended one read: the prompt after it is one more.
      while (!waitingAt(lines + 1 + i)) {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`the shell ended before key ${i + 1} was pressed:\n${output}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      child.stdin.write(key);
    }
    child.stdin.end();
    await closed;
  } finally {
    clearTimeout(hung);
  }
  return output;
}
