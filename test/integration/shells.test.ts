import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { NONCE_PATTERN, parseMarker } from '../../src/model/markers.js';
import { bastionBlocks, helpersPayload } from '../../src/paste/bastion.js';
import { fakeBastion } from '../helpers/bastion.js';
import { opsRepo } from '../helpers/fixtures.js';
import { requireTool } from '../helpers/ops-repo.js';
import { pasteIntoShell } from '../helpers/pty.js';

/** What operators really have in their rc files: errexit, noclobber, aliases, a cd wrapper. */
const habits = [
  'set -eu',
  "alias grep='grep --color=always'",
  "alias rm='rm -i'",
  "alias mv='mv -i'",
  "alias cp='cp -i'",
  'CDPATH=/tmp; export CDPATH',
].join('\n');

function markers(output: string) {
  return output
    .split(/\r?\n/)
    .map(parseMarker)
    .filter((m) => m !== undefined);
}

function kubectlCalls(kubeState: string): string[] {
  const log = join(kubeState, 'calls.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

interface ShellCase {
  name: string;
  tool: string;
  /** The command script(1) runs; RC is replaced with an rc file holding `rc`. */
  command: string;
  rc: string;
}

const cases: ShellCase[] = [
  { name: 'bash -i with set -e', tool: 'bash', command: 'bash --rcfile RC -i', rc: habits },
  {
    name: 'bash -i with set -C (noclobber)',
    tool: 'bash',
    command: 'bash --rcfile RC -i',
    rc: `set -C\n${habits.replace('set -eu', 'set -u')}\ncd() { echo "cd wrapper"; builtin cd "$@"; }`,
  },
  { name: 'bash --posix -i', tool: 'bash', command: 'bash --posix --rcfile RC -i', rc: habits },
  { name: 'zsh -f -i', tool: 'zsh', command: 'zsh -f -i', rc: '' },
  { name: 'dash -i', tool: 'dash', command: 'env ENV=RC dash -i', rc: habits },
  { name: 'BusyBox sh -i', tool: 'busybox', command: 'env ENV=RC busybox sh -i', rc: habits },
];

describe('a failing bundle pasted twice into real interactive shells', () => {
  for (const shell of cases) {
    it(`${shell.name}: the shell lives, every unit ends, ingest says failed`, async () => {
      if (!requireTool(shell.tool) || !requireTool('script')) return;
      await using repo = await opsRepo();
      const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
      const bastion = fakeBastion(repo, result, { KUBECTL_FAIL_ON: 'quote-priced' });
      const rcFile = join(repo.dir(), 'rc');
      writeFileSync(rcFile, `${shell.rc}\n`);
      const blocks = bastionBlocks(result.record).map((b) => b.code);
      // zsh -f reads no rc file: its habits are typed, errexit included.
      const typed = [
        ...(shell.tool === 'zsh' ? [habits] : []),
        ...blocks,
        ...blocks,
        'echo "ALIVE-$((6 * 7))"',
        'exit',
        '',
      ].join('\n');
      const output = pasteIntoShell(
        repo,
        shell.command.replace('RC', rcFile),
        typed,
        bastion.env,
        bastion.home,
      );
      expect(output).toContain('ALIVE-42');
      const ends = markers(output).filter((m) => m.type === 'end');
      for (const unit of result.record.units) {
        expect(
          ends.filter((m) => m.n === unit.n && m.kind === unit.kind),
          `unit ${unit.n} ${unit.kind}\n${output}`,
        ).toHaveLength(2);
      }
      const nonces = new Set(markers(output).map((m) => m.nonce));
      expect(nonces.size).toBe(2); // block 1 pasted twice: two paste sessions
      for (const nonce of nonces) expect(nonce).toMatch(NONCE_PATTERN);
      expect(output).not.toMatch(/command not found|not found: #|parse error|Syntax error/i);
      const transcript = join(repo.dir(), 'terminal.txt');
      writeFileSync(transcript, output);
      const ingested = await ingest({ transcript, repo: repo.path });
      expect(ingested.status).toBe('failed');
      // The helper blocks' echo is folded, not copied, into the runbook.
      const runbook = readFileSync(join(repo.path, ingested.runbook), 'utf8');
      expect(runbook).toContain('echoed line(s) of the helper payload left out');
      expect(runbook).not.toContain(`'${helpersPayload(result.record)[1]}' \\`);
    });
  }
});

describe('stale helpers', () => {
  it('blocks of bundle B pasted where bundle A is loaded run nothing and say why', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    const a = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const b = await bundle({ spec: 'dev-quote-service', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, a);
    const aBlocks = bastionBlocks(a.record);
    const bBlocks = bastionBlocks(b.record).filter(
      (block) => !block.title.startsWith('Load the airgap helpers'),
    );
    const typed = [...aBlocks.map((x) => x.code), ...bBlocks.map((x) => x.code), 'exit', ''];
    const output = pasteIntoShell(
      repo,
      'bash --norc -i',
      typed.join('\n'),
      bastion.env,
      bastion.home,
    );
    expect(output).toContain('RESULT: SUCCESS');
    const afterA = kubectlCalls(bastion.kubeState);
    expect(afterA.some((c) => c.includes('quote-requested'))).toBe(true);
    expect(output).toContain(
      `airgap: this block is for ${b.record.id}; the helpers in this shell are for ${a.record.id}: paste the helper blocks of ${b.record.id} (block 1 on) first`,
    );
    // Only A's units ran: B's blocks printed no marker and called no kubectl.
    expect(markers(output).every((m) => m.bundleId === a.record.id)).toBe(true);
    expect(afterA.filter((c) => c.includes('quote-service'))).toEqual([]);
  });
});

describe('a helper block cut short', () => {
  for (const shell of cases) {
    it(`${shell.name}: no unit runs the damaged helpers, each says why in one line`, async () => {
      if (!requireTool(shell.tool) || !requireTool('script')) return;
      await using repo = await opsRepo();
      const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
      const bastion = fakeBastion(repo, result);
      const rcFile = join(repo.dir(), 'rc');
      writeFileSync(rcFile, `${shell.rc}\n`);
      const blocks = bastionBlocks(result.record);
      const helpers = blocks.filter((b) => b.helpers).map((b) => b.code);
      expect(helpers.length).toBeGreaterThan(1);
      // The second helper block loses the second half of its lines, as a paste cut short does.
      const second = helpers[1]!.split('\n');
      const cut = [helpers[0]!, second.slice(0, second.length / 2).join('\n'), ...helpers.slice(2)];
      const units = blocks.filter((b) => !b.helpers).map((b) => b.code);
      // First a whole load (helpers.sh verified), then the cut one: that must not leave it.
      const typed = [
        ...(shell.tool === 'zsh' ? [habits] : []),
        ...helpers,
        ...cut,
        ...units,
        'echo "ALIVE-$((6 * 7))"',
        'exit',
        '',
      ].join('\n');
      const output = pasteIntoShell(
        repo,
        shell.command.replace('RC', rcFile),
        typed,
        bastion.env,
        bastion.home,
      );
      expect(output).toContain('ALIVE-42');
      expect(output).toContain(`helpers for ${result.record.id} loaded`);
      const helpersSh = join(bastion.home, 'airgap', result.record.id, 'helpers.sh');
      expect(existsSync(helpersSh)).toBe(false);
      // No unit ran: no kubectl call, nothing downloaded; and no shell complained of the bytes.
      expect(kubectlCalls(bastion.kubeState)).toEqual([]);
      expect(existsSync(join(bastion.home, 'airgap', result.record.id, 'root'))).toBe(false);
      expect(output).not.toMatch(/helpers\.sh: \d+:|Syntax error|parse error/);
      const why = `airgap: helpers not loaded or damaged: paste blocks 1-${helpers.length} of PASTE.md again`;
      const lines = output.split(/\r?\n/);
      // Once from the loader, once per unit, each between a begin and a `skip` end marker.
      const counted = result.record.units.length;
      expect(lines.filter((l) => l === why)).toHaveLength(1 + counted);
      const ends = markers(output).filter((m) => m.type === 'end');
      expect(ends).toHaveLength(counted);
      expect(ends.every((m) => m.skipped)).toBe(true);
    });
  }
});
