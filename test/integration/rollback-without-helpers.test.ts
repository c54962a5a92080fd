import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BundleOptions, bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { init } from '../../src/commands/init/init.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { fakeBastion, runBastionScript, stoppedClock } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import {
  commitAll,
  git,
  requireTool,
  saveTranscript as save,
  standinBin,
} from '../helpers/ops-repo.js';
import { pasteIntoShell } from '../helpers/pty.js';

const options = (repo: OpsRepo): BundleOptions => ({
  spec: 'dev-topics',
  repo: repo.path,
  out: repo.dir(),
});

/** Bundles what is committed, runs its bastion.sh `minutes` ago and ingests the output. */
async function deploy(ops: OpsRepo, minutes: number) {
  const result = await bundle(options(ops));
  commitAll(ops.path, `prepared ${result.record.id}`);
  const clock = stoppedClock(ops, Math.floor(Date.now() / 1000) - minutes * 60);
  const env = { PATH: `${clock}:${standinBin(ops)}:${process.env.PATH}` };
  const run = runBastionScript(result, fakeBastion(ops, result, env));
  const ingested = await ingest({ transcript: save(ops, run.stdout), repo: ops.path });
  commitAll(ops.path, `ingested ${result.record.id}`);
  return { id: result.record.id, status: ingested.status };
}

describe('a rollback pasted where the helpers did not load', () => {
  it('stays prepared, and ingest, its row and CURRENT-STATE name the helper blocks', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    await init({ dir: repo.path });
    commitAll(repo.path, 'airgap init');
    const a = await deploy(repo, 2);
    appendFileSync(join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'), '# B\n');
    commitAll(repo.path, 'B');
    const b = await deploy(repo, 1);
    expect([a.status, b.status]).toEqual(['deployed', 'deployed']);
    git(repo.path, 'revert', '--no-edit', 'HEAD~2');
    const again = await bundle(options(repo));
    expect([again.record.id, again.rollbackFrom]).toEqual([a.id, b.id]);
    commitAll(repo.path, 'rollback prepared');

    // A's kept paste (its first deployment) is a run of this bundle, before the rollback was
    // prepared; the rollback's own paste ran nothing (its second helper block was cut).
    const blocks = bastionBlocks(again.record);
    const helpers = blocks.filter((x) => x.helpers).map((x) => x.code);
    const second = helpers[1]!.split('\n');
    const typed = [
      helpers[0]!,
      second.slice(0, second.length / 2).join('\n'),
      ...helpers.slice(2),
      ...blocks.filter((x) => !x.helpers).map((x) => x.code),
      'exit',
      '',
    ];
    const bastion = fakeBastion(repo, again);
    const output = pasteIntoShell(
      repo,
      'bash --norc -i',
      typed.join('\n'),
      bastion.env,
      bastion.home,
    );
    const ingested = await ingest({
      transcript: save(repo, output, 'rollback.txt'),
      repo: repo.path,
    });
    const n = helpers.length;
    expect(ingested.status).toBe('prepared');
    expect(ingested.warnings).toContain(
      `the helpers were not loaded in that shell (airgap_run: command not found, or helpers not loaded or damaged): paste blocks 1-${n} of PASTE.md there, then the blocks again`,
    );
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8')).toContain(
      `| \`${a.id}\` | dev | **prepared**, rollback from \`${b.id}\`, helpers not loaded (blocks 1-${n})`,
    );
    expect(readFileSync(join(repo.path, 'CURRENT-STATE.md'), 'utf8')).toContain(
      `its blocks were pasted where the helpers were not loaded, so nothing ran; next: paste blocks 1-${n} of PASTE.md again`,
    );
  });
});
