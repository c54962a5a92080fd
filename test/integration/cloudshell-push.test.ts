import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import type { BundleRecord } from '../../src/model/record.js';
import { cloudshellBlocks } from '../../src/paste/cloudshell.js';
import { fakeBastion, runBastionScript, stoppedClock } from '../helpers/bastion.js';
import { unwrapped } from '../helpers/errors.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import {
  commitAll,
  pasteBlocksOf,
  runbookOf,
  runCli,
  saveTranscript,
  standinBin,
  standins,
} from '../helpers/ops-repo.js';

const KCAT = '111122223333.dkr.ecr.us-east-1.amazonaws.com/edenhill/kcat:1.7.1';

/** CloudShell's helper and image blocks run in bash with the docker and ECR stand-ins. */
/** CloudShell's clock for the next paste, in epoch seconds. */
let pastedAt = Math.floor(Date.now() / 1000) - 3600;

function pasteImageBlocks(
  repo: OpsRepo,
  record: BundleRecord,
  env: NodeJS.ProcessEnv = {},
): string {
  const work = repo.dir();
  const bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(join(standins, 'docker'), join(bin, 'docker'));
  symlinkSync(join(standins, 'aws-ecr'), join(bin, 'aws'));
  // Each paste a minute after the one before, by CloudShell's clock: ingest orders the attempts
  // of a unit by their markers' seconds, and two pastes here can fall within one second.
  pastedAt += 60;
  const clock = stoppedClock(repo, pastedAt);
  const code = cloudshellBlocks(record)
    .filter((b) => /^(Define the helpers|Push)/.test(b.title))
    .map((b) => b.code)
    .join('\n');
  const output = execFileSync('bash', ['-c', code], {
    env: {
      ...process.env,
      HOME: work,
      PATH: `${clock}:${bin}:${process.env.PATH}`,
      DOCKER_STATE_DIR: join(work, 'registry'),
      ...env,
    },
    cwd: work,
    encoding: 'utf8',
  });
  const transcript = join(work, 'cloudshell.txt');
  writeFileSync(transcript, output);
  return transcript;
}

/** dev-topics bundled by the CLI, as an operator runs it, and its record committed. */
async function preparedByCli(repo: OpsRepo): Promise<BundleRecord> {
  const bundled = await runCli(['bundle', 'dev-topics'], { cwd: repo.path });
  expect(bundled.code, bundled.stderr).toBe(0);
  const outDir = bundled.stdout.trim().split('\n').at(-1) ?? '';
  const record = JSON.parse(readFileSync(join(outDir, 'bundle.json'), 'utf8')) as BundleRecord;
  commitAll(repo.path, `prepared ${record.id}`);
  return record;
}

describe('a CloudShell image push whose output stops inside the block', () => {
  it('is not recorded, may not be in ECR, and still counts as missing', async () => {
    await using repo = await opsRepo();
    const { record } = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, `prepared ${record.id}`);
    const pasted = pasteImageBlocks(repo, record);
    const text = readFileSync(pasted, 'utf8');
    // The copy was taken before the push's end marker: it may have finished after.
    const end = text.search(/^.* 2 image rc=0 .*$/m);
    expect(end).toBeGreaterThan(0);
    writeFileSync(pasted, text.slice(0, end));
    const ingested = await runCli(['ingest', pasted, '--repo', repo.path]);
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(unwrapped(ingested.stderr)).toContain(
      `CloudShell push of ${KCAT} not recorded (the output stops inside the push): may not be in ECR`,
    );
    expect(ingested.stderr).not.toContain('failed');
    // 93 columns in one line once: the words wrap under the value, the image stays whole.
    expect(ingested.stdout).toContain(
      `  pushes    0 failed, 1 not recorded, 0 ok (CloudShell image pushes); may not be\n            in ECR:\n            ${KCAT}\n`,
    );
    const manifest = readFileSync(join(repo.path, 'docs/ecr-manifest.md'), 'utf8');
    expect(manifest).toMatch(
      /\| edenhill\/kcat \| 1\.7\.1 \| none: push not recorded \| dev \| [\d-]+ \| CloudShell push not recorded \(the output stops inside the push\): may not be in ECR \|/,
    );
    expect(runbookOf(repo.path, record.id)).toContain(
      `> **Image push not recorded** in CloudShell: \`${KCAT}\` (the output stops inside the push). May not be in ECR`,
    );
    commitAll(repo.path, 'push cut short');
    const check = await runCli(['status', '--check', '--repo', repo.path]);
    expect(check.stdout).toContain(`  no ECR    ${KCAT}`);
  });
});

describe('a CloudShell image push that fails', () => {
  it('is counted, warned of, written in the runbook and ecr-manifest as not in ECR; a later push clears it', async () => {
    await using repo = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const { record } = result;
    commitAll(repo.path, `prepared ${record.id}`);

    const denied = pasteImageBlocks(repo, record, { DOCKER_PUSH_DENIED: '1' });
    expect(readFileSync(denied, 'utf8')).toMatch(/ 2 image rc=1 /);
    const ingested = await runCli(['ingest', denied, '--repo', repo.path]);
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(ingested.stdout).toContain(
      `  pushes    1 failed, 0 ok (CloudShell image pushes); not in ECR:\n            ${KCAT}\n`,
    );
    // What changed is one list at one column (n9 4): the kept transcript's path, 78 columns, does
    // not fit after the label, so the label stands alone and every path is at column 2.
    const changed = ingested.stdout.split('\n');
    const from = changed.indexOf('  changed');
    expect(from, ingested.stdout).toBeGreaterThan(0);
    const paths = changed.slice(from + 1, -2);
    expect(paths.map((p) => p.replace(/[^/ ]+\.log$/, 'x.log'))).toEqual([
      `  ${changed.at(-2)}`,
      `  docs/RUNBOOKS/transcripts/${record.id}/x.log`,
      '  docs/ecr-manifest.md',
    ]);
    expect(changed.every((line) => line.length <= 80)).toBe(true);
    expect(unwrapped(ingested.stderr)).toContain(
      `CloudShell push of ${KCAT} failed (exit code 1): it is not in ECR`,
    );
    const json = await runCli(['ingest', denied, '--repo', repo.path, '--dry-run', '--json']);
    expect(JSON.parse(json.stdout).pushes).toEqual({
      ok: 0,
      failed: [{ image: KCAT, why: 'exit code 1', date: expect.any(String) }],
    });
    const runbook = runbookOf(repo.path, record.id);
    expect(runbook).toContain(
      `> **Image push failed** in CloudShell: \`${KCAT}\` (exit code 1). Not in ECR`,
    );
    // PASTE.md's CloudShell block of the push (block 2 is a helper block), then its unit.
    expect(runbook).toContain(
      `- CloudShell block ${pasteBlocksOf(result.outDir, 2, 'CloudShell')}, unit 2 (Push edenhill/kcat:1.7.1 to ECR): **exit code 1**`,
    );
    const manifest = readFileSync(join(repo.path, 'docs/ecr-manifest.md'), 'utf8');
    expect(manifest).toMatch(
      /\| edenhill\/kcat \| 1\.7\.1 \| none: push failed \| dev \| [\d-]+ \| CloudShell push failed \(exit code 1\): not in ECR \|/,
    );
    // The bundle stays prepared, and status still asks for the image.
    const pending = readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8');
    expect(pending).toContain(`| \`${record.id}\` | dev | **prepared** |`);
    commitAll(repo.path, 'push failed');
    const status = await runCli(['status', '--repo', repo.path]);
    expect(status.stdout).toContain(`  no ECR    ${KCAT}\n`);

    // The bastion deploys anyway (no ecr.check): PENDING-CHANGES says the image is not there.
    const bastion = runBastionScript(result, fakeBastion(repo, result));
    const deployed = await runCli([
      'ingest',
      saveTranscript(repo, bastion.stdout),
      '--repo',
      repo.path,
    ]);
    expect(deployed.stdout).toContain(`ingested ${record.id}: deployed`);
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8')).toMatch(
      new RegExp(
        `\\| \`${record.id}\` \\| dev \\| \\*\\*deployed\\*\\*, 1 image not in ECR \\|.*\\| 4 \\| 2 \\|`,
      ),
    );
    commitAll(repo.path, 'deployed');

    // Pasted again, the push succeeds: its digest replaces the failure row.
    const pushed = pasteImageBlocks(repo, record);
    const again = await runCli(['ingest', pushed, '--repo', repo.path]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('  pushes    0 failed, 1 ok (CloudShell image pushes)\n');
    expect(again.stderr).not.toContain('CloudShell push of');
    const after = readFileSync(join(repo.path, 'docs/ecr-manifest.md'), 'utf8');
    expect(after).not.toContain('push failed');
    expect(after).toMatch(/\| edenhill\/kcat \| 1\.7\.1 \| sha256:[0-9a-f]{64} \| dev \|/);
    expect(runbookOf(repo.path, record.id)).not.toContain('**Image push failed**');
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8')).toMatch(
      new RegExp(`\\| \`${record.id}\` \\| dev \\| \\*\\*deployed\\*\\* \\|.*\\| 4 \\| 2 \\|`),
    );
    commitAll(repo.path, 'pushed');
    const cleared = await runCli(['status', '--repo', repo.path]);
    expect(cleared.stdout).not.toContain('no ECR');
  });
});

describe('a CloudShell image push that fails after an earlier push recorded the image', () => {
  it('is counted and warned of, but not said to be missing from ECR: the manifest keeps its digest', async () => {
    await using repo = await opsRepo();
    const record = await preparedByCli(repo);

    const pushed = await runCli(['ingest', pasteImageBlocks(repo, record), '--repo', repo.path]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const recorded = readFileSync(join(repo.path, 'docs/ecr-manifest.md'), 'utf8');
    expect(recorded).toMatch(/\| edenhill\/kcat \| 1\.7\.1 \| sha256:[0-9a-f]{64} \| dev \|/);
    commitAll(repo.path, 'pushed');

    // Pasted again, ECR refuses the push: the image pushed before is still there.
    const denied = pasteImageBlocks(repo, record, { DOCKER_PUSH_DENIED: '1' });
    const ingested = await runCli(['ingest', denied, '--repo', repo.path]);
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(readFileSync(join(repo.path, 'docs/ecr-manifest.md'), 'utf8')).toBe(recorded);
    expect(ingested.stdout).toContain('  pushes    1 failed, 0 ok (CloudShell image pushes)\n');
    expect(ingested.stdout).not.toContain('not in ECR');
    expect(unwrapped(ingested.stderr)).toContain(
      `CloudShell push of ${KCAT} failed (exit code 1); docs/ecr-manifest.md still records it in ECR`,
    );
    expect(ingested.stderr).not.toContain('it is not in ECR');
    const runbook = runbookOf(repo.path, record.id);
    expect(runbook).toContain(`> **Image push failed** in CloudShell: \`${KCAT}\` (exit code 1)`);
    expect(runbook).not.toContain('Not in ECR');
    commitAll(repo.path, 'denied');
    const status = await runCli(['status', '--repo', repo.path]);
    expect(status.stdout).not.toContain('no ECR');
  });
});

describe('one CloudShell transcript with a push, then the same push refused', () => {
  it('records the digest the first push proved, and does not call the image missing', async () => {
    await using repo = await opsRepo();
    const record = await preparedByCli(repo);

    // The image block pasted twice in one session: ECR refused the second push.
    const pushed = readFileSync(pasteImageBlocks(repo, record), 'utf8');
    const denied = readFileSync(
      pasteImageBlocks(repo, record, { DOCKER_PUSH_DENIED: '1' }),
      'utf8',
    );
    const session = join(repo.dir(), 'session.txt');
    writeFileSync(session, `${pushed}${denied}`);
    const ingested = await runCli(['ingest', session, '--repo', repo.path]);
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(ingested.stdout).toContain('  pushes    1 failed, 0 ok (CloudShell image pushes)\n');
    expect(ingested.stdout).not.toContain('not in ECR');
    expect(unwrapped(ingested.stderr)).toContain(
      `CloudShell push of ${KCAT} failed (exit code 1); docs/ecr-manifest.md still records it in ECR`,
    );
    const manifest = readFileSync(join(repo.path, 'docs/ecr-manifest.md'), 'utf8');
    expect(manifest).not.toContain('push failed');
    expect(manifest).toMatch(
      /\| edenhill\/kcat \| 1\.7\.1 \| sha256:[0-9a-f]{64} \| dev \| [\d-]+ \| CloudShell push \|/,
    );
  });
});

describe('a CloudShell image push pasted after the bastion run (n9b 7)', () => {
  it("leaves the runbook's Date to the bastion run, as its Runs table, and dates the pushes apart", async () => {
    await using repo = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, `prepared ${result.record.id}`);
    // The bastion's clock stands an hour before the next CloudShell paste's (pastedAt + 60).
    const deployedAt = pastedAt - 3600;
    const clock = stoppedClock(repo, deployedAt);
    const bastion = runBastionScript(
      result,
      fakeBastion(repo, result, { PATH: `${clock}:${standinBin(repo)}:${process.env.PATH}` }),
    );
    const deployed = await runCli([
      'ingest',
      saveTranscript(repo, bastion.stdout),
      '--repo',
      repo.path,
    ]);
    expect(deployed.stdout).toContain(`ingested ${result.record.id}: deployed`);
    commitAll(repo.path, 'deployed');
    const pushed = await runCli([
      'ingest',
      pasteImageBlocks(repo, result.record),
      '--repo',
      repo.path,
    ]);
    expect(pushed.code, pushed.stderr).toBe(0);

    const at = (epoch: number) => new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
    const runbook = runbookOf(repo.path, result.record.id);
    expect(runbook).toContain(
      `| Date | ${at(deployedAt)} to ${at(deployedAt)} (UTC, from the transcript) |`,
    );
    expect(runbook).toContain(
      `| CloudShell | ${at(pastedAt)} to ${at(pastedAt)} (UTC, its blocks: a session apart from the bastion run, not in Date) |`,
    );
  });
});
