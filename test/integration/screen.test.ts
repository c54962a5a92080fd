import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { bastionBlocks, echoRows, MAX_BLOCK_ROWS } from '../../src/paste/bastion.js';
import { fakeBastion } from '../helpers/bastion.js';
import { opsRepo } from '../helpers/fixtures.js';
import { requireTool } from '../helpers/ops-repo.js';

const tmux = (socket: string, ...args: string[]) =>
  spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

const lastLine = (screen: string) => screen.trimEnd().split('\n').at(-1)?.trimEnd();

/** Polls the pane until `done` holds (or 20 s pass) and returns what it shows. */
function waitUntil(socket: string, done: (screen: string) => boolean): string {
  let screen = '';
  for (let i = 0; i < 200; i++) {
    spawnSync('sleep', ['0.1']);
    screen = tmux(socket, 'capture-pane', '-p', '-J').stdout;
    if (done(screen)) break;
  }
  return screen;
}

describe('the helper blocks on an 80x24 terminal', () => {
  it('each fits the screen, and bash shows its bracketed paste intact', async () => {
    if (!requireTool('tmux')) return;
    await using repo = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const helpers = bastionBlocks(result.record).filter((b) =>
      b.title.startsWith('Load the airgap helpers'),
    );
    for (const block of helpers) expect(echoRows(block.code)).toBeLessThanOrEqual(MAX_BLOCK_ROWS);
    const bastion = fakeBastion(repo, result);
    const socket = `airgap-${process.pid}`;
    const env = Object.entries({ ...bastion.env, PS1: '[ec2-user@ip-10-0-1-23 ~]$ ' })
      .map(([k, v]) => `${k}=${JSON.stringify(v ?? '')}`)
      .join(' ');
    tmux(socket, 'new-session', '-d', '-x', '80', '-y', '24', `env -i ${env} bash --norc -i`);
    try {
      const prompt = '[ec2-user@ip-10-0-1-23 ~]$';
      const idle = () => waitUntil(socket, (screen) => lastLine(screen) === prompt);
      idle();
      for (const [i, block] of helpers.entries()) {
        const file = join(repo.dir(), `block-${i}.txt`);
        writeFileSync(file, block.code);
        tmux(socket, 'load-buffer', file);
        tmux(socket, 'paste-buffer', '-p');
        tmux(socket, 'send-keys', 'Enter');
        const screen = idle();
        // Every line of the block is on the screen as pasted: nothing was drawn over it.
        for (const line of block.code.split('\n')) expect(screen, screen).toContain(line);
        if (i === helpers.length - 1)
          expect(screen).toContain(`airgap: helpers for ${result.record.id} loaded`);
        tmux(socket, 'send-keys', 'clear', 'Enter');
        idle();
      }
    } finally {
      tmux(socket, 'kill-server');
    }
  });
});
