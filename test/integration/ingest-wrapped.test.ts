import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { HardWrapJoiner } from '../../src/ingest/clean/wrap.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { fakeBastion } from '../helpers/bastion.js';
import { opsRepo, type TempDir, tempDir } from '../helpers/fixtures.js';
import { commitAll, requireTool } from '../helpers/ops-repo.js';

const LONG_OUTPUT = `kafkatopic.kafka.strimzi.io/quote-requested condition: ${'Ready=True '.repeat(12).trim()}`;

/** Pastes each block into bash inside tmux at 80 columns and copies the pane without -J. */
async function pasteInTmux(
  scratch: TempDir,
  blocks: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
) {
  const dir = scratch.dir('airgap-tmux-');
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
    // Paste only once bash has drawn its prompt: before that, bracketed paste is not on yet.
    for (
      let tries = 0;
      tries < 100 && !tmux('capture-pane', '-p').stdout.trimEnd().endsWith('$');
      tries++
    ) {
      await sleep(100);
    }
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
    await using repo = await opsRepo();
    const specPath = join(repo.path, 'bundles/dev-topics.yaml');
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
    commitAll(repo.path, 'long commands');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, 'prepared');
    const bastion = fakeBastion(repo, result);
    const copy = await pasteInTmux(
      repo,
      bastionBlocks(result.record).map((b) => b.code),
      bastion.env,
      bastion.home,
    );
    const lines = copy.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBe(80); // really hard-wrapped
    expect(copy).toContain('RESULT: SUCCESS');
    const paste = join(repo.dir(), 'tmux-copy.txt');
    writeFileSync(paste, copy);
    const ingested = await ingest({ transcript: paste, repo: repo.path });
    expect(ingested.status).toBe('deployed');
    const runbook = readFileSync(join(repo.path, ingested.runbook), 'utf8');
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

describe('the wrap leftovers of issue 23 on a real tmux pane at 80 columns', () => {
  it('gives back the -J copy: a command cut on a space, a wide kubectl table, 80-wide lines', async () => {
    await using tmp = await tempDir();
    if (!requireTool('tmux')) return;
    const dir = tmp.dir('airgap-tmux-');
    const row = (cells: string[]) =>
      cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(w[i]!) : c)).join('');
    const w = [31, 8, 10, 13, 7, 12, 41];
    const header = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE'];
    const pod = ['orders-svc-7d9f8b6c5-x2x9z', '1/1', 'Running', '0', '3d4h', '10.0.1.23'];
    const node = ['ip-10-0-1-1.eu-west-1.compute.internal', '<none>'];
    const eighty = 'x'.repeat(80);
    writeFileSync(
      join(dir, 's.sh'),
      // Long lines first, as in a real session: the width is told from lines of exactly 80.
      [LONG_OUTPUT, LONG_OUTPUT, row(header), row([...pod, ...node]), eighty, '', 'done', eighty]
        .map((l) => `printf '%s\\n' '${l}'\n`)
        .join(''),
    );
    const prompt = '[ec2-user@ip-10-0-1-23 ~]$ ';
    // Typed so that column 80 of the echo is a space, which the copy drops.
    const typed = `${`bash s.sh #`.padEnd(79 - prompt.length, 'o')} -f k8s/dev/topics/quote.yaml`;
    const tmux = (...args: string[]) =>
      spawnSync('tmux', ['-S', join(dir, 'tmux.sock'), '-f', '/dev/null', ...args], {
        env: { ...process.env, TERM: 'xterm' },
        cwd: dir,
        encoding: 'utf8',
      });
    tmux('new-session', '-d', '-x', '80', '-y', '40', `PS1='${prompt}' bash --norc --noprofile -i`);
    let wrapped = '';
    let joined = '';
    try {
      // Keys sent before bash draws its prompt are echoed by the terminal ahead of it, and the
      // pane no longer shows the line an operator would copy.
      for (
        let tries = 0;
        tries < 100 && !tmux('capture-pane', '-p').stdout.includes(prompt.trim());
        tries++
      ) {
        await sleep(100);
      }
      tmux('send-keys', '-l', typed);
      tmux('send-keys', 'Enter');
      for (let tries = 0; tries < 100 && !/\ndone\n[\s\S]*\$\s*$/.test(wrapped); tries++) {
        await sleep(100);
        wrapped = tmux('capture-pane', '-p', '-S', '-').stdout;
      }
      wrapped = tmux('capture-pane', '-p', '-S', '-').stdout;
      joined = tmux('capture-pane', '-p', '-J', '-S', '-').stdout;
    } finally {
      tmux('kill-server');
    }
    const lines = (text: string) => text.trimEnd().split('\n');
    expect(lines(wrapped)).toContain(`${prompt}${typed}`.slice(0, 79));
    const out: string[] = [];
    const joiner = new HardWrapJoiner((line) => out.push(line));
    for (const line of lines(wrapped)) joiner.push(line);
    joiner.finish();
    expect(joiner.width).toBe(80);
    expect(out).toEqual(lines(joined).map((l) => l.trimEnd()));
    expect(out).toContain(`${prompt}${typed}`);
    expect(out).toContain(row([...pod, ...node]));
  }, 30_000);
});
