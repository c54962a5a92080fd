import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { status } from '../../src/commands/status/status.js';
import { ExitCode } from '../../src/errors.js';
import { type BastionRuns, sharedBastionRun } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import { commitAll, git, runCli } from '../helpers/ops-repo.js';

const KCAT = '111122223333.dkr.ecr.us-east-1.amazonaws.com/edenhill/kcat:1.7.1';
const TOPIC = 'k8s/dev/topics/kafka-topic-quote-priced.yaml';

// Two tests deploy the unedited bundle first: one bastion run for both (helpers/bastion.ts).
const runs: BastionRuns = new Map();

/** Bundles dev-topics as it is committed, runs its bastion.sh and ingests the output. */
async function deploy(ops: OpsRepo, env: NodeJS.ProcessEnv = {}) {
  const repo = ops.path;
  const result = await bundle({ spec: 'dev-topics', repo, out: ops.dir() });
  commitAll(repo, `prepared ${result.record.id}`);
  const transcript = join(ops.dir(), 'paste.txt');
  writeFileSync(transcript, sharedBastionRun(runs, ops, result, env));
  const ingested = await ingest({ transcript, repo });
  commitAll(repo, `ingested ${result.record.id}`);
  return { id: result.record.id, status: ingested.status };
}

function editTopic(repo: string, comment: string) {
  appendFileSync(join(repo, TOPIC), `# ${comment}\n`);
  commitAll(repo, comment);
}

describe('airgap status after a failure and its fix', () => {
  it('supersedes the failed and prepared bundles, flags the missing image once, then passes', async () => {
    await using repo = await opsRepo();
    const failed = await deploy(repo, { KUBECTL_FAIL_ON: 'kafka-topic-quote-priced.yaml' });
    expect(failed.status).toBe('failed');
    editTopic(repo.path, 'first try at a fix, never deployed');
    const abandoned = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, 'prepared a fix');
    expect((await runCli(['status', '--check', '--repo', repo.path])).code).toBe(
      ExitCode.attention,
    );

    editTopic(repo.path, 'the real fix');
    const fixed = await deploy(repo);
    expect(fixed.status).toBe('deployed');

    const result = await status({ repo: repo.path });
    const dev = result.environments.find((e) => e.environment === 'dev')!;
    expect(dev.superseded).toEqual([
      { bundleId: failed.id, status: 'failed', by: fixed.id },
      { bundleId: abandoned.record.id, status: 'prepared', by: fixed.id },
    ]);
    expect(dev.failed).toEqual([]);
    expect(dev.prepared).toEqual([]);
    // The deployed bundle's pods need kcat, which docs/ecr-manifest.md does not show: once.
    expect(dev.missingImages).toEqual([{ image: KCAT, bundleIds: [fixed.id] }]);
    expect(result.attention).toEqual([`dev: ${KCAT} (for ${fixed.id}) is not recorded in ECR`]);

    const human = await runCli(['status', '--check', '--repo', repo.path]);
    expect(human.code).toBe(ExitCode.attention);
    const lines = human.stdout.trim().split('\n');
    expect(lines).toContain(`  superseded 2 by ${fixed.id} (1 failed, 1 prepared)`);
    // The bundles it superseded are named, in the id column of the lists above.
    const below = lines[lines.indexOf(`  superseded 2 by ${fixed.id} (1 failed, 1 prepared)`) + 1];
    expect(below).toBe(`            ${failed.id} (failed), ${abandoned.record.id} (prepared)`);
    expect(lines.find((l) => l.includes(fixed.id))?.indexOf(fixed.id)).toBe(
      below?.indexOf(failed.id),
    );
    expect(lines.filter((l) => l.includes('kcat'))).toHaveLength(1);
    expect(lines.every((l) => l.length <= 80)).toBe(true);

    // Record the image in ECR as a person would: --check passes.
    appendFileSync(
      join(repo.path, 'docs/ecr-manifest.md'),
      '\n| Repository | Tag | Environment | Pushed |\n|---|---|---|---|\n| edenhill/kcat | 1.7.1 | dev | 2026-02-14 |\n',
    );
    commitAll(repo.path, 'kcat is in ECR');
    const passing = await runCli(['status', '--check', '--repo', repo.path]);
    expect(passing.stdout).toContain('nothing needs attention');
    expect(passing.code).toBe(0);
  });

  it('does not supersede a bundle prepared after the deployment', async () => {
    await using repo = await opsRepo();
    const deployed = await deploy(repo);
    editTopic(repo.path, 'a new change');
    const pending = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const dev = (await status({ repo: repo.path })).environments[0]!;
    expect(dev.deployed.map((e) => e.bundleId)).toEqual([deployed.id]);
    expect(dev.prepared.map((e) => e.bundleId)).toEqual([pending.record.id]);
    expect(dev.superseded).toEqual([]);
  });

  it('names the known environments when --env matches none of them', async () => {
    await using repo = await opsRepo();
    await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    // No bundle and no spec names prdo: a typo, a usage error (a pre-push hook with
    // `--env dve --check` passed with "nothing needs attention").
    for (const check of [[], ['--check']]) {
      const typo = await runCli(['status', '--repo', repo.path, '--env', 'prdo', ...check]);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain('unknown environment prdo');
      expect(typo.stderr).toContain('known: dev');
      expect(typo.stdout).not.toContain('nothing needs attention');
      expect(typo.stdout).not.toContain('no bundles recorded yet');
    }
    const json = await runCli(['status', '--repo', repo.path, '--env', 'prdo', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, hint: 'known: dev' });
    // A spec names uat, no bundle yet: nothing wrong, and the known ones named.
    writeFileSync(
      join(repo.path, 'bundles/uat.yaml'),
      readFileSync(join(repo.path, 'bundles/dev-topics.yaml'), 'utf8').replace(
        'environment: dev',
        'environment: uat',
      ),
    );
    const uat = await runCli(['status', '--repo', repo.path, '--env', 'uat', '--check']);
    expect(uat.code).toBe(0);
    expect(uat.stdout).toContain('no bundles for environment uat (known: dev)');
    const uatJson = await runCli(['status', '--repo', repo.path, '--env', 'uat', '--json']);
    expect(JSON.parse(uatJson.stdout)).toMatchObject({
      environments: [],
      knownEnvironments: ['dev'],
    });
  });
});

describe('airgap discard', () => {
  it('retires a prepared bundle in PENDING-CHANGES.md, keeping every other byte', async () => {
    await using repo = await opsRepo();
    const prepared = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, 'prepared');
    let before = readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8');

    const missing = await runCli(['discard', prepared.record.id, '--repo', repo.path]);
    expect(missing.code).toBe(2);
    // A usage error points at the command's own help, not a placeholder.
    expect(missing.stderr).toContain('(run airgap discard --help for usage)');
    expect(missing.stderr).toContain("required option '--reason <text>'");

    const result = await runCli([
      'discard',
      prepared.record.id,
      '--reason',
      'replaced by | a manual fix',
      '--repo',
      repo.path,
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      bundleId: prepared.record.id,
      previous: 'prepared',
      changed: ['PENDING-CHANGES.md'],
    });
    // Only the row (and the block's own hash) changed: every other byte is as it was.
    const unhashed = (text: string) => text.replace(/ sha256=[0-9a-f]{12} /, ' ');
    const after = unhashed(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8'));
    before = unhashed(before);
    const rowStart = before.indexOf(`| \`${prepared.record.id}\``);
    const rowEnd = before.indexOf('\n', rowStart);
    expect(after.slice(0, rowStart)).toBe(before.slice(0, rowStart));
    expect(after.slice(after.indexOf('\n', rowStart))).toBe(before.slice(rowEnd));
    expect(after).toContain('**discarded**');
    expect(after).toContain('discarded: replaced by \\| a manual fix');

    const dev = (await status({ repo: repo.path })).environments[0]!;
    expect(dev.discarded.map((e) => e.bundleId)).toEqual([prepared.record.id]);
    expect(dev.prepared).toEqual([]);
    const check = await runCli(['status', '--check', '--repo', repo.path]);
    expect(check.stdout).toContain(`  discarded ${prepared.record.id}`);

    commitAll(repo.path, 'discarded');
    const again = await runCli([
      'discard',
      prepared.record.id,
      '--reason',
      'x',
      '--repo',
      repo.path,
    ]);
    expect(again.stdout).toContain('already discarded (nothing changed)');
    expect(git(repo.path, 'status', '--porcelain')).toBe('');

    const unknown = await runCli([
      'discard',
      'dev-topics-0000000',
      '--reason',
      'x',
      '--repo',
      repo.path,
    ]);
    expect(unknown.code).toBe(21);
  });

  it('refuses to discard a deployed bundle', async () => {
    await using repo = await opsRepo();
    const deployed = await deploy(repo);
    const result = await runCli(['discard', deployed.id, '--reason', 'oops', '--repo', repo.path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is deployed');
  });
});
