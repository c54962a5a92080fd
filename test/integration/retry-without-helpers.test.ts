import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { init } from '../../src/commands/init/init.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { fakeBastion } from '../helpers/bastion.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, requireTool } from '../helpers/ops-repo.js';
import { pasteIntoShell } from '../helpers/pty.js';

describe('a retry pasted where the helpers did not load', () => {
  it('leaves a failed bundle failed, and its row and CURRENT-STATE name the block', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    await init({ dir: repo.path });
    commitAll(repo.path, 'airgap init');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, result, { KUBECTL_FAIL_ON: 'quote-priced' });
    const blocks = bastionBlocks(result.record);
    const transcript = join(repo.dir(), 'terminal.txt');
    const paste = (typed: string[]) =>
      writeFileSync(
        transcript,
        pasteIntoShell(repo, 'bash --norc -i', typed.join('\n'), bastion.env, bastion.home),
      );
    paste([...blocks.map((b) => b.code), 'exit', '']);
    const failed = await ingest({ transcript, repo: repo.path });
    expect(failed.status).toBe('failed');
    const pendingPath = join(repo.path, 'PENDING-CHANGES.md');
    const block = Number(/retry from block (\d+)/.exec(readFileSync(pendingPath, 'utf8'))?.[1]);
    expect(block).toBeGreaterThan(0);

    // The retry CURRENT-STATE.md asks for, in a new shell whose second helper block was cut: the
    // loader found the parts damaged and left no helpers.sh, so airgap_run refused every unit
    // (notes/s8/note-n8b.md 3). Nothing ran: the failure still stands, and so does the block.
    const helpers = blocks.filter((b) => b.helpers).map((b) => b.code);
    const second = helpers[1]!.split('\n');
    const cutHelpers = [
      helpers[0]!,
      second.slice(0, second.length / 2).join('\n'),
      ...helpers.slice(2),
    ];
    // From that block on (no download: the failed run's own paste), then every block (a paste
    // set apart from the runs): either way the failure stands and the helpers are named.
    for (const from of [block - 1, helpers.length]) {
      paste([...cutHelpers, ...blocks.slice(from).map((b) => b.code), 'exit', '']);
      expect(readFileSync(transcript, 'utf8')).toContain('airgap: helpers not loaded or damaged');
      const again = await ingest({ transcript, repo: repo.path });
      expect(again.status).toBe('failed');
      expect(again.warnings.join('\n')).toContain('the helpers were not loaded in that shell');
      expect(readFileSync(pendingPath, 'utf8')).toMatch(
        new RegExp(`\\| \\*\\*failed\\*\\*, retry from block ${block}[,| ]`),
      );
      expect(readFileSync(join(repo.path, 'CURRENT-STATE.md'), 'utf8')).toContain(
        `next: paste block ${block} of PASTE.md again, then the blocks after it, to retry`,
      );
    }
  });
});
