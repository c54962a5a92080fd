import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { init } from '../../src/commands/init/init.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { fakeBastion } from '../helpers/bastion.js';
import { expectAirgapError } from '../helpers/errors.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import { commitAll, requireTool } from '../helpers/ops-repo.js';
import { pasteIntoShell, pasteThenKeys } from '../helpers/pty.js';

/** Pastes `typed` into `shell` on a pty in the fake bastion's home; what it showed, saved. */
function pasteSaved(
  repo: OpsRepo,
  bastion: { env: NodeJS.ProcessEnv; home: string },
  shell: string,
  typed: string,
): { output: string; transcript: string } {
  const output = pasteIntoShell(repo, shell, typed, bastion.env, bastion.home);
  const transcript = join(repo.dir(), 'terminal.txt');
  writeFileSync(transcript, output);
  return { output, transcript };
}

/** Pastes that went wrong in ways the shell, not a marker, shows (notes/s8/note-n8.md 4, 5). */
describe('blocks pasted into a shell without the helper blocks', () => {
  for (const shell of ['bash --norc -i', 'zsh -f -i', 'dash -i']) {
    it(`${shell}: ingest says the helpers were not loaded, and which blocks load them`, async () => {
      if (!requireTool(shell.split(' ')[0]!) || !requireTool('script')) return;
      await using repo = await opsRepo();
      const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
      const bastion = fakeBastion(repo, result);
      const blocks = bastionBlocks(result.record);
      const helpers = blocks.filter((b) => b.helpers).length;
      const rest = blocks.filter((b) => !b.helpers).map((b) => b.code);
      const { output, transcript } = pasteSaved(
        repo,
        bastion,
        shell,
        [...rest, 'exit', ''].join('\n'),
      );
      expect(output).toMatch(/airgap_run: (command )?not found|command not found: airgap_run/);
      const error = await expectAirgapError(ingest({ transcript, repo: repo.path }));
      // Still "no markers" (exit 20), now with the cause and the way out.
      expect(error.exitCode).toBe(20);
      expect(error.message).toBe(
        `no airgap markers in ${transcript}: the helpers were not loaded in that shell (airgap_run: command not found, or helpers not loaded or damaged)`,
      );
      expect(error.hint).toBe(`paste blocks 1-${helpers} of PASTE.md there, then the blocks again`);
    });
  }

  it("a shell holding another bundle's helpers: ingest names that and B's helper blocks", async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    const a = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    appendFileSync(join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'), '# B\n');
    commitAll(repo.path, 'B');
    const b = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    expect(b.record.id).not.toBe(a.record.id);
    const bastion = fakeBastion(repo, a);
    const helpersOfA = bastionBlocks(a.record).filter((x) => x.helpers);
    const blocksOfB = bastionBlocks(b.record);
    const helpers = blocksOfB.filter((x) => x.helpers).length;
    // notes/s8/note-n8b.md 2: A's helper blocks, then B's blocks after its helper blocks.
    const typed = [
      ...helpersOfA.map((x) => x.code),
      ...blocksOfB.filter((x) => !x.helpers).map((x) => x.code),
      'exit',
      '',
    ];
    const { output, transcript } = pasteSaved(repo, bastion, 'bash --norc -i', typed.join('\n'));
    expect(output).toContain(
      `airgap: this block is for ${b.record.id}; the helpers in this shell are for ${a.record.id}`,
    );
    const error = await expectAirgapError(ingest({ transcript, repo: repo.path }));
    expect(error.exitCode).toBe(20);
    expect(error.message).toBe(
      `no airgap markers in ${transcript}: that shell held another bundle's helpers (this block is for one bundle; the helpers in this shell are for another), so this bundle's blocks did not run`,
    );
    expect(error.hint).toBe(`paste blocks 1-${helpers} of PASTE.md there, then the blocks again`);
  });

  it("beside markers: another bundle's refusal is a warning for the bundle it names only", async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    const a = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    appendFileSync(join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'), '# B\n');
    commitAll(repo.path, 'B');
    const b = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, b);
    const blocksOfA = bastionBlocks(a.record);
    const blocksOfB = bastionBlocks(b.record);
    const codesOf = (blocks: typeof blocksOfA, helpers: boolean) =>
      blocks.filter((x) => Boolean(x.helpers) === helpers).map((x) => x.code);
    // B's helpers and first unit block, then A's helpers, then B's other blocks: refused.
    const [first, ...rest] = codesOf(blocksOfB, false);
    const typed = [
      ...codesOf(blocksOfB, true),
      first!,
      ...codesOf(blocksOfA, true),
      ...rest,
      'exit',
      '',
    ];
    const { output, transcript } = pasteSaved(repo, bastion, 'bash --norc -i', typed.join('\n'));
    const foreign = /another bundle's helpers/;
    const ofB = await ingest({ transcript, repo: repo.path, bundle: b.record.id, dryRun: true });
    expect(ofB.status).toBe('partial');
    expect(ofB.warnings.join('\n')).toMatch(foreign);
    // The same paste as A's own partial run (ids swapped) whose refusals still name B: they
    // say nothing of what A should do.
    writeFileSync(
      transcript,
      output.replaceAll(b.record.id, a.record.id).replace(/is for \S+;/g, `is for ${b.record.id};`),
    );
    const ofA = await ingest({ transcript, repo: repo.path, bundle: a.record.id, dryRun: true });
    expect(ofA.status).toBe('partial');
    expect(ofA.warnings.join('\n')).not.toMatch(foreign);
  });

  it('a helper block cut short: every unit skipped, the bundle stays prepared, next the helper blocks', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    await init({ dir: repo.path });
    commitAll(repo.path, 'airgap init');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, result);
    const blocks = bastionBlocks(result.record);
    const helpers = blocks.filter((b) => b.helpers).map((b) => b.code);
    expect(helpers.length).toBeGreaterThan(1);
    // notes/s8/note-n8b.md 3: a new shell, the second helper block cut at a line end.
    const second = helpers[1]!.split('\n');
    const typed = [
      helpers[0]!,
      second.slice(0, second.length / 2).join('\n'),
      ...helpers.slice(2),
      ...blocks.filter((b) => !b.helpers).map((b) => b.code),
      'exit',
      '',
    ];
    const { transcript } = pasteSaved(repo, bastion, 'bash --norc -i', typed.join('\n'));
    const ingested = await ingest({ transcript, repo: repo.path });
    const id = result.record.id;
    const n = helpers.length;
    expect(ingested.counts.skipped).toBe(ingested.counts.total);
    // Nothing ran: prepared as before, not partial.
    expect(ingested.status).toBe('prepared');
    expect(ingested.warnings).toContain(
      `the helpers were not loaded in that shell (airgap_run: command not found, or helpers not loaded or damaged): paste blocks 1-${n} of PASTE.md there, then the blocks again`,
    );
    const pending = readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8');
    expect(pending).toContain(
      `| \`${id}\` | dev | **prepared**, helpers not loaded (blocks 1-${n})`,
    );
    const state = readFileSync(join(repo.path, 'CURRENT-STATE.md'), 'utf8');
    expect(state).toContain(
      `its blocks were pasted where the helpers were not loaded, so nothing ran; next: paste blocks 1-${n} of PASTE.md again, then the blocks after them`,
    );
    expect(state).not.toMatch(/partial|failed step/);
    const tracker = readFileSync(join(repo.path, 'TRACKER.md'), 'utf8');
    expect(tracker).toContain(`| \`${id}\` | dev | not run (helpers not loaded) |`);
    const runbook = readFileSync(join(repo.path, ingested.runbook), 'utf8');
    expect(runbook).toContain('**Not run**: ');

    // The whole paste afterwards: deployed, and the note is gone from the row.
    const whole = pasteIntoShell(
      repo,
      'bash --norc -i',
      [...blocks.map((b) => b.code), 'exit', ''].join('\n'),
      bastion.env,
      bastion.home,
    );
    writeFileSync(transcript, whole);
    const deployed = await ingest({ transcript, repo: repo.path });
    expect(deployed.status).toBe('deployed');
    // The paste that ran nothing is no run of the bundle: one run, the record says so.
    expect(deployed.runs).toBe(1);
    const after = readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8');
    expect(after).toContain(`| \`${id}\` | dev | **deployed**`);
    expect(after).not.toContain('helpers not loaded');

    // The same cut paste again, once deployed: still one run, still deployed.
    const idle = pasteSaved(repo, bastion, 'bash --norc -i', typed.join('\n'));
    const again = await ingest({ transcript: idle.transcript, repo: repo.path });
    expect([again.status, again.runs, again.counts.skipped]).toEqual(['deployed', 1, 0]);
    const record = readFileSync(join(repo.path, again.runbook), 'utf8');
    expect(record).not.toContain('**Ran ');
    expect(record.match(/^> \*\*Pasted without running\*\*: .*$/m)?.[0]).toMatch(
      /: at \S+ \(0 ok, 0 failed, \d+ skipped, 0 not yet seen .*\); at \S+ \(.*\)\. Every unit of those pastes was skipped/,
    );
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8')).toBe(after);
  });

  it('a transcript without markers or that cause keeps the general hint', async () => {
    await using repo = await opsRepo();
    const transcript = join(repo.dir(), 'terminal.txt');
    writeFileSync(transcript, '$ ls\nbastion.txt\n$ airgap_run_notes: not here\n');
    const error = await expectAirgapError(ingest({ transcript, repo: repo.path }));
    expect(error.message).toBe(`no airgap markers in ${transcript}`);
    expect(error.hint).toContain('paste the whole terminal output of the blocks from PASTE.md');
  });

  it('the rest of a paste in a new shell: partial, and the runbook and warnings say why', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, result);
    const blocks = bastionBlocks(result.record);
    const helpers = blocks.filter((b) => b.helpers).length;
    const codes = blocks.map((b) => b.code);
    // Helpers and the transfer block, then a child shell (no airgap_run there) for the rest.
    const typed = [
      ...codes.slice(0, helpers + 1),
      'bash --norc -i',
      ...codes.slice(helpers + 1),
      'exit',
      'exit',
      '',
    ];
    const { transcript } = pasteSaved(repo, bastion, 'bash --norc -i', typed.join('\n'));
    const ingested = await ingest({ transcript, repo: repo.path });
    expect(ingested.status).toBe('partial');
    const advice = `the helpers were not loaded in that shell (airgap_run: command not found, or helpers not loaded or damaged): paste blocks 1-${helpers} of PASTE.md there, then the blocks again`;
    expect(ingested.warnings).toContain(advice);
    const runbook = readFileSync(join(repo.path, ingested.runbook), 'utf8');
    expect(runbook).toContain(`> **Paste**: T${advice.slice(1)}.`);
  });
});

describe('a paste cut inside a quoted step line', () => {
  const cutAt = (block: number) =>
    `a paste was cut inside a quoted line, and the shell read the blocks after it at its '>' prompt: they did not run: press Ctrl-C at that prompt, paste block ${block} again, then the blocks after it`;

  it('PASTE.md says what the > prompt means; ingest names it from the EOF error or the > lines', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    await init({ dir: repo.path });
    commitAll(repo.path, 'airgap init');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const sheet = readFileSync(join(result.outDir, 'PASTE.md'), 'utf8');
    expect(sheet).toContain(
      'If the prompt shows `>` after a paste, the paste was cut: press Ctrl-C and paste that block\nagain, then the blocks after it.',
    );
    const bastion = fakeBastion(repo, result);
    const blocks = bastionBlocks(result.record);
    const steps = blocks.findIndex((b) => b.units?.some((n) => n > 3));
    const codes = blocks.map((b) => b.code);
    const step = codes[steps]!;
    // The block whose unit call was cut: PASTE.md numbers the bastion blocks from 1.
    const cut = cutAt(steps + 1);
    // Cut inside the quoted command of the first step: bash waits at `>` for the quote to close.
    const typed = [...codes.slice(0, steps), step.slice(0, step.indexOf("'") + 12)];
    typed.push(...codes.slice(steps + 1), '');
    // Then Ctrl-D at `>`: bash reports the open quote; Ctrl-D again at the next prompt ends the
    // session. Pressed once bash waits for them, as an operator does (see pasteThenKeys).
    const output = await pasteThenKeys(
      repo,
      typed.join('\n'),
      ['\x04', '\x04'],
      bastion.env,
      bastion.home,
    );
    expect(output).toContain('unexpected EOF while looking for matching');
    expect(output).toMatch(/> airgap_run \S+ \d+ step /);
    const transcript = join(repo.dir(), 'terminal.txt');
    const ctrlC = output.replace(/^.*unexpected EOF.*$/m, '');
    expect(ctrlC).not.toContain('unexpected EOF');
    for (const copy of [output, ctrlC]) {
      // The second copy is the operator's who pressed Ctrl-C: only the `>` lines show it.
      writeFileSync(transcript, copy);
      const ingested = await ingest({ transcript, repo: repo.path, dryRun: true });
      expect(ingested.status).toBe('partial');
      expect(ingested.warnings).toContain(cut);
    }
    writeFileSync(transcript, output);
    const ingested = await ingest({ transcript, repo: repo.path });
    const runbook = readFileSync(join(repo.path, ingested.runbook), 'utf8');
    expect(runbook).toContain(`> **Paste**: A${cut.slice(1)}.`);
    // The handoff names the same block (notes/s8/note-n8b.md 3), and the row keeps it.
    const state = readFileSync(join(repo.path, 'CURRENT-STATE.md'), 'utf8');
    expect(state).toContain(
      `next: paste block ${steps + 1} of PASTE.md again, then the blocks after it, to retry`,
    );
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8')).toContain(
      `| **partial**, retry from block ${steps + 1},`,
    );
  });

  for (const shell of ['bash --norc -i', 'zsh -f -i']) {
    it(`${shell}: a whole paste that failed shows no paste trouble`, async () => {
      if (!requireTool(shell.split(' ')[0]!) || !requireTool('script')) return;
      await using repo = await opsRepo();
      const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
      const bastion = fakeBastion(repo, result, { KUBECTL_FAIL_ON: 'quote-priced' });
      const typed = [...bastionBlocks(result.record).map((b) => b.code), 'exit', ''];
      const { transcript } = pasteSaved(repo, bastion, shell, typed.join('\n'));
      const ingested = await ingest({ transcript, repo: repo.path, dryRun: true });
      expect(ingested.status).toBe('failed');
      expect(ingested.warnings.join('\n')).not.toMatch(/paste was cut|helpers were not loaded/);
    });
  }
});
