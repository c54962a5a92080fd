import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { fakeBastion } from '../helpers/bastion.js';
import { opsRepo, type TempDir } from '../helpers/fixtures.js';
import { requireTool } from '../helpers/ops-repo.js';

/** Pastes text into an interactive bash on a real pseudo-terminal through script(1). */
function pasteIntoInteractiveBash(
  scratch: TempDir,
  input: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string {
  const inputFile = join(scratch.dir(), 'typed.txt');
  writeFileSync(inputFile, input);
  const run = spawnSync(
    'bash',
    // exec: a timeout's SIGTERM reaches script(1), which ends the shell (test/helpers/pty.ts).
    [
      '-c',
      `exec script -q -e -c "bash --norc --noprofile -i" /dev/null < ${JSON.stringify(inputFile)}`,
    ],
    {
      env: { ...env, PS1: '[ec2-user@ip-10-0-1-23 ~]$ ', TERM: 'xterm' },
      cwd,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return run.stdout;
}

describe('paste blocks in an interactive shell', () => {
  it('leave the shell alive after a failed checksum and a failed step', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, result, { KUBECTL_FAIL_ON: 'quote-priced' });
    const blocks = bastionBlocks(result.record);
    const typed = [...blocks.map((b) => b.code), 'echo "ALIVE-$((6 * 7))"', 'exit', ''].join('\n');
    const output = pasteIntoInteractiveBash(repo, typed, bastion.env, bastion.home);
    expect(output).toContain('rc=1'); // the failing step
    expect(output).toContain('RESULT: FAILED');
    expect(output).toContain('ALIVE-42');

    // The same with a corrupted archive: verification fails, the shell survives.
    const corrupt = fakeBastion(repo, result);
    const bytes = readFileSync(corrupt.objectPath);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    writeFileSync(corrupt.objectPath, bytes);
    const second = pasteIntoInteractiveBash(repo, typed, corrupt.env, corrupt.home);
    expect(second).toContain('CHECKSUM MISMATCH');
    expect(second).toContain('ALIVE-42');
  });
});
