import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle.js';
import { ingest } from '../../src/commands/ingest.js';
import { bastionBlocks } from '../../src/scripts/bastion.js';
import { fakeBastion } from '../helpers/bastion.js';
import {
  cleanupTempDirs,
  commitAll,
  makeOpsRepo,
  requireTool,
  tempDir,
} from '../helpers/ops-repo.js';

afterAll(cleanupTempDirs);

const LONG_OUTPUT = `kafkatopic.kafka.strimzi.io/quote-requested condition: ${'Ready=True '.repeat(12).trim()}`;

/** Pastes each block into bash inside tmux at 80 columns and copies the pane without -J. */
async function pasteInTmux(blocks: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const dir = tempDir('airgap-tmux-');
  const socket = join(dir, 'tmux.sock');
  const config = join(dir, 'tmux.conf');
  writeFileSync(config, 'set -g history-limit 100000\nset -g status off\n');
  const tmux = (...args: string[]) =>
    spawnSync('tmux', ['-S', socket, '-f', config, ...args], {
      env: { ...env, TERM: 'xterm' },
      cwd,
      encoding: 'utf8',
    });
  tmux(
    'new-session',
    '-d',
    '-x',
    '80',
    '-y',
    '40',
    "PS1='[ec2-user@ip-10-0-1-23 ~]$ ' bash --norc --noprofile -i",
  );
  try {
    for (const [i, block] of blocks.entries()) {
      const file = join(dir, `block-${i}.sh`);
      writeFileSync(file, `${block}\n`);
      tmux('load-buffer', file);
      tmux('paste-buffer', '-p', '-d');
      // Bash holds a bracketed paste in the line editor until Enter, as in a real terminal.
      tmux('send-keys', 'Enter');
      // Wait for the prompt to come back before the next block, as an operator would.
      for (let tries = 0; tries < 200; tries++) {
        await sleep(100);
        const pane = tmux('capture-pane', '-p').stdout.trimEnd();
        if (pane.endsWith('$') && (i < blocks.length - 1 || pane.includes('RESULT:'))) break;
      }
    }
    return tmux('capture-pane', '-p', '-S', '-').stdout;
  } finally {
    tmux('kill-server');
  }
}

describe('a session copied from tmux at 80 columns without -J', () => {
  it('ingests to the bundle commands byte for byte, with long output lines whole', async () => {
    if (!requireTool('tmux')) return;
    const repo = makeOpsRepo();
    const specPath = join(repo, 'bundles/dev-topics.yaml');
    const longSteps = `  - name: Apply quote-requested server side
    run: kubectl apply --server-side --field-manager=airgap-ops --force-conflicts -f k8s/dev/topics/kafka-topic-quote-requested.yaml
  - name: Print the topic condition
    run: |-
      printf '%s\\n' '${LONG_OUTPUT}'
`;
    writeFileSync(
      specPath,
      readFileSync(specPath, 'utf8').replace('verify:\n', `${longSteps}verify:\n`),
    );
    commitAll(repo, 'long commands');
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir() });
    commitAll(repo, 'prepared');
    const bastion = fakeBastion(result);
    const copy = await pasteInTmux(
      bastionBlocks(result.record).map((b) => b.code),
      bastion.env,
      bastion.home,
    );
    const lines = copy.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBe(80); // really hard-wrapped
    expect(copy).toContain('RESULT: SUCCESS');
    const paste = join(tempDir(), 'tmux-copy.txt');
    writeFileSync(paste, copy);
    const ingested = await ingest({ transcript: paste, repo });
    expect(ingested.status).toBe('deployed');
    const runbook = readFileSync(join(repo, ingested.runbook), 'utf8');
    for (const unit of result.record.units.filter((u) => u.command))
      expect(runbook).toContain(`\`\`\`bash\n${unit.command}\n\`\`\``);
    expect(runbook).toContain(`\`\`\`text\n${LONG_OUTPUT}\n\`\`\``);
    expect(runbook).toContain(
      'was copied at 80 columns; lines of exactly 80 characters were joined',
    );
    expect(ingested.transcript).toMatch(/-w80\.log$/);
    // The pasted helper block's echo stays out of Other output; what was typed stays in.
    const other = runbook.slice(runbook.indexOf('## Other output'));
    expect(other).toMatch(/The echo of the helper block \(\d+ lines\) is left out/);
    expect(other).not.toContain('airgap_download() {');
    expect(other).toContain(`$ airgap_run ${result.record.id} 1 download`);
  }, 60_000);
});
