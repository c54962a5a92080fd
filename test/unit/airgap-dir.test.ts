import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepDead, sweepDeadRuns } from '../../src/repo/airgap-dir.js';
import { tempDir } from '../helpers/fixtures.js';

describe('sweepDeadRuns and sweepDead', () => {
  it('removes what dead processes left, keeps live runs and this one', async () => {
    await using dir = await tempDir('airgap-sweep-');
    const tmp = dir.path;
    for (const name of ['111-a', '222-b', `${process.pid}-c`, 'stray']) mkdirSync(join(tmp, name));
    const removed = sweepDeadRuns(tmp, (pid) => pid === 222);
    expect(removed.sort()).toEqual(['111-a', 'stray']);
    expect(readdirSync(tmp).sort()).toEqual([`${process.pid}-c`, '222-b'].sort());
  });

  it('leaves entries that do not match the pattern unless told to', async () => {
    await using tmp = await tempDir('airgap-sweep-');
    const out = tmp.path;
    for (const name of ['dev-topics-abc1234', 'dev-topics-abc1234.tmp-111'])
      mkdirSync(join(out, name));
    expect(sweepDead(out, /\.tmp-(\d+)$/, () => false)).toEqual(['dev-topics-abc1234.tmp-111']);
    expect(readdirSync(out)).toEqual(['dev-topics-abc1234']);
  });
});
