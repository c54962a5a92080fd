import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployedOver } from '../../src/commands/ingest/deployed-over.js';
import type { PendingEntry } from '../../src/docs/pending-changes.js';
import { tempDir } from '../helpers/fixtures.js';

const row = (bundleId: string, link: string): PendingEntry => ({
  bundleId,
  environment: 'dev',
  status: 'deployed',
  commit: '0123456789ab',
  date: '2026-11-26',
  files: 1,
  images: 0,
  link,
});

/** B's runbook: deployed 10:00-10:01, then a run of CloudShell blocks only at 10:30-10:31. */
const runbook = [
  '| Date | 2026-11-26T10:00:00Z to 2026-11-26T10:01:00Z (UTC, from the transcript) |',
  '',
  '## Runs',
  '',
  '| Run | Started | Ended | Result | Units |',
  '|---|---|---|---|---|',
  '| 1 (recorded above) | 2026-11-26T10:00:00Z | 2026-11-26T10:01:00Z | deployed | 4 ok |',
  '| 2 | 2026-11-26T10:30:00Z | 2026-11-26T10:31:00Z | no bastion blocks | 2 ok |',
  '',
].join('\n');

describe('deployedOver', () => {
  it("a run of B that ran no bastion block is not B's last deployment", async () => {
    await using dir = await tempDir('airgap-over-');
    mkdirSync(join(dir.path, 'docs/RUNBOOKS'), { recursive: true });
    writeFileSync(join(dir.path, 'docs/RUNBOOKS/b.md'), runbook);
    const entries = [
      row('dev-topics-aaaaaaa', '[runbook](docs/RUNBOOKS/a.md)'),
      row('dev-topics-bbbbbbb', '[runbook](docs/RUNBOOKS/b.md)'),
    ];
    // A's run began at 10:20: after B's deployment, before B's CloudShell-only run.
    const start = Date.parse('2026-11-26T10:20:00Z') / 1000;
    const over = await deployedOver(dir.path, entries, 'dev-topics-aaaaaaa', start);
    expect(over?.bundleId).toBe('dev-topics-bbbbbbb');
    // After every run of B that reached the bastion, as before.
    const later = Date.parse('2026-11-26T10:40:00Z') / 1000;
    expect((await deployedOver(dir.path, entries, 'dev-topics-aaaaaaa', later))?.bundleId).toBe(
      'dev-topics-bbbbbbb',
    );
    // Before B's deployment ended: nothing moves.
    const earlier = Date.parse('2026-11-26T10:00:30Z') / 1000;
    expect(await deployedOver(dir.path, entries, 'dev-topics-aaaaaaa', earlier)).toBeUndefined();
  });
});
