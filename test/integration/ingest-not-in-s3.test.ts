import { appendFileSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { init } from '../../src/commands/init/init.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { unwrapped } from '../helpers/errors.js';
import { opsRepo } from '../helpers/fixtures.js';
import {
  commitAll,
  pasteBlocksOf,
  runbookOf,
  runCli,
  saveTranscript as save,
} from '../helpers/ops-repo.js';

describe('a bastion download that S3 answers with 404', () => {
  it('records the cause and the fix in the runbook, PENDING-CHANGES.md and CURRENT-STATE.md', async () => {
    await using ops = await opsRepo();
    const repo = ops.path;
    await init({ dir: repo }); // CURRENT-STATE.md's managed block: where the handoff goes
    commitAll(repo, 'airgap init');
    const result = await bundle({ spec: 'dev-topics', repo, out: ops.dir() });
    commitAll(repo, 'prepared');
    // Never uploaded: the aws stand-in prints what aws s3 cp prints for a missing key.
    const bastion = fakeBastion(ops, result);
    unlinkSync(bastion.objectPath);
    const run = runBastionScript(result, bastion);
    expect(run.stdout).toContain('An error occurred (404) when calling the HeadObject operation');

    const ingested = await runCli(['ingest', save(ops, run.stdout), '--repo', repo]);
    expect(ingested.code, ingested.stderr).toBe(0);
    const key = `s3://acme-airgap/${result.record.archive.key}`;
    const upload = pasteBlocksOf(result.outDir, 1, 'CloudShell').join(' or ');
    const download = pasteBlocksOf(result.outDir, 1).join(' or ');
    const fix = `the archive was not in S3 at \`${key}\`: upload it from CloudShell (PASTE.md's CloudShell block ${upload}, or \`airgap upload <bundle dir>\``;
    const again = `then paste bastion block ${download} and the blocks after it again`;
    // The operator is told at once, within 80 columns.
    expect(unwrapped(ingested.stderr)).toContain(`warning: ${fix}`);
    expect(unwrapped(ingested.stderr)).toContain(again);
    expect(ingested.stderr.split('\n').filter((l) => l.length > 80)).toEqual([]);
    // The runbook says it at the top, before the failed units.
    const runbook = runbookOf(repo, result.record.id);
    expect(runbook).toContain(`> **Download failed**: ${fix}`);
    expect(runbook).toContain(again);
    // The row and the handoff keep the cause, and a next step that is not "bundle again".
    expect(readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8')).toContain(
      '| **failed**, archive not in S3, 1 image not in ECR |',
    );
    const state = readFileSync(join(repo, 'CURRENT-STATE.md'), 'utf8');
    expect(state).toContain(`\`${result.record.id}\``);
    expect(state).toContain(
      'the archive was not in S3; next: upload it from CloudShell (the upload block of PASTE.md, or `airgap upload`), then paste the bastion blocks again from the download block on',
    );
    expect(state).not.toContain('`airgap bundle` again');
  });

  it('bundled again, the never-uploaded newer bundle is "already built", not a rollback (n8b 1)', async () => {
    await using ops = await opsRepo();
    const repo = ops.path;
    const out = ops.dir();
    // A deployed.
    const a = await bundle({ spec: 'dev-topics', repo, out });
    commitAll(repo, 'prepared A');
    const deployedA = runBastionScript(a, fakeBastion(ops, a));
    expect((await runCli(['ingest', save(ops, deployedA.stdout), '--repo', repo])).code).toBe(0);
    commitAll(repo, 'ingested A');
    // B, a newer change, pasted before it was uploaded: failed, archive not in S3.
    appendFileSync(join(repo, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'), '# B\n');
    commitAll(repo, 'B');
    const b = await bundle({ spec: 'dev-topics', repo, out });
    commitAll(repo, 'prepared B');
    const bastion = fakeBastion(ops, b);
    unlinkSync(bastion.objectPath);
    const run = runBastionScript(b, bastion);
    expect((await runCli(['ingest', save(ops, run.stdout), '--repo', repo])).code).toBe(0);
    commitAll(repo, 'ingested B');
    const pendingFile = join(repo, 'PENDING-CHANGES.md');
    const failedRow = readFileSync(pendingFile, 'utf8')
      .split('\n')
      .find((l) => l.includes(`\`${b.record.id}\``));
    expect(failedRow).toContain('| **failed**, archive not in S3');
    const date = /\| (\d{4}-\d\d-\d\d) \|/.exec(failedRow ?? '')?.[1];
    expect(date).toBeDefined();
    // Checked again before the upload: its failure, not "a rollback from A".
    const again = await runCli(['bundle', 'dev-topics', '--repo', repo, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      `already built: ${b.record.id} (failed ${date}, nothing changed)`,
    );
    expect(again.stdout).not.toContain('rollback');
    const json = await runCli(['bundle', 'dev-topics', '--repo', repo, '--out', out, '--json']);
    expect(JSON.parse(json.stdout)).not.toHaveProperty('rollbackFrom');
    // The failed row keeps its cause and its date.
    expect(readFileSync(pendingFile, 'utf8')).toContain(failedRow);
  });

  it('says nothing of S3 when the download fails for another reason', async () => {
    await using ops = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: ops.path, out: ops.dir() });
    commitAll(ops.path, 'prepared');
    // Only the system's tools on PATH: the real aws CLI without credentials ("Unable to locate
    // credentials"), or none at all; either way the download fails, and not for a missing key.
    const bastion = fakeBastion(ops, result);
    const run = runBastionScript(result, {
      ...bastion,
      env: { ...bastion.env, PATH: '/usr/bin:/bin' },
    });
    expect(run.stdout).toMatch(/ 1 download rc=[1-9]/);
    expect(run.stdout).not.toContain('(404)');
    const ingested = await runCli(['ingest', save(ops, run.stdout), '--repo', ops.path]);
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(ingested.stderr).not.toContain('not in S3');
    expect(runbookOf(ops.path, result.record.id)).not.toContain('Download failed');
  });
});
