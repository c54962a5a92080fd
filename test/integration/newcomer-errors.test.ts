import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { expectAirgapError } from '../helpers/errors.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll } from '../helpers/ops-repo.js';

/** What a newcomer met following the README (notes/s7/note-n7.md), each as they met it. */
describe('errors a newcomer meets', () => {
  it('an invalid committed spec with a fixed working copy is "fixed but not committed" (4)', async () => {
    await using repo = await opsRepo();
    const specFile = join(repo.path, 'bundles/dev-topics.yaml');
    const good = readFileSync(specFile, 'utf8');
    writeFileSync(specFile, good.replace('\nverify:', '\nverfy:'));
    commitAll(repo.path, 'typo in the spec');
    const run = () => bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    // The committed typo with a clean tree: as before, its line.
    const committed = await expectAirgapError(run());
    expect(committed.exitCode).toBe(3);
    expect(committed.details.join('\n')).toContain('unknown key verfy');
    // Fixed on disk, not committed: not HEAD's typo again, but what to do.
    writeFileSync(specFile, good);
    const fixed = await expectAirgapError(run());
    expect(fixed.exitCode).toBe(4);
    expect(fixed.message).toBe(
      "bundles/dev-topics.yaml: fixed but not committed (HEAD's version is invalid)",
    );
    expect(fixed.details).toEqual(['modified: bundles/dev-topics.yaml']);
    expect(fixed.hint).toContain('git add bundles/dev-topics.yaml && git commit');
    // Still wrong on disk, and differently: the working copy's lines, and that it is not committed.
    writeFileSync(specFile, `${good}extra: 1\n`);
    const stillWrong = await expectAirgapError(run());
    expect(stillWrong.exitCode).toBe(3);
    expect(stillWrong.message).toMatch(/in your working copy \(not committed\)$/);
    const lines = good.split('\n').length;
    expect(stillWrong.details.join('\n')).toContain(
      `bundles/dev-topics.yaml:${lines}: (top level): unknown key extra`,
    );
    expect(stillWrong.details.join('\n')).not.toContain('verfy');
    // Committed, it bundles.
    writeFileSync(specFile, good);
    commitAll(repo.path, 'fix the spec');
    expect((await run()).record.id).toMatch(/^dev-topics-/);
  });
});
