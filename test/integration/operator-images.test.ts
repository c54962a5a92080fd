import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pasteOnTerminal } from '../../scripts/lib/loop.js';
import type { BundleRecord } from '../../src/model/record.js';
import { cloudshellBlocks } from '../../src/paste/cloudshell.js';
import { unwrapped } from '../helpers/errors.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import { prometheusOperator, strimziOperator } from '../helpers/operator-fixtures.js';
import { commitAll, requireTool, runCli, standins } from '../helpers/ops-repo.js';

const dir = 'k8s/dev/operators';
// docs/ecr-manifest.md of the example records strimzi/operator:0.45.0 and
// strimzi/kafka:0.45.0-kafka-3.9.0 for dev; the rest below is not in ECR yet.
const BRIDGE = 'quay.io/strimzi/kafka-bridge:0.31.1';
const KAFKA_38 = 'quay.io/strimzi/kafka:0.45.0-kafka-3.8.0';
const KAFKA_39 = 'quay.io/strimzi/kafka:0.45.0-kafka-3.9.0';
const RELOADER = 'quay.io/prometheus-operator/prometheus-config-reloader:v0.80.0';
const PROM_OPERATOR = 'quay.io/prometheus-operator/prometheus-operator:v0.80.0';

/** An ops repo with two operator installs and a spec naming only their files. */
async function operatorRepo(extraSpec = ''): Promise<OpsRepo> {
  const repo = await opsRepo();
  mkdirSync(join(repo.path, dir), { recursive: true });
  writeFileSync(join(repo.path, dir, 'strimzi-operator.yaml'), strimziOperator('0.45.0'));
  writeFileSync(join(repo.path, dir, 'prometheus-operator.yaml'), prometheusOperator('v0.80.0'));
  writeFileSync(
    join(repo.path, 'bundles/dev-operators.yaml'),
    [
      'name: dev-operators',
      'environment: dev',
      'description: Kafka and Prometheus operators for DEV',
      `files: [${dir}/*.yaml]`,
      's3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }',
      'ecr: { registry: 111122223333.dkr.ecr.us-east-1.amazonaws.com, region: us-east-1 }',
      extraSpec,
    ].join('\n'),
  );
  commitAll(repo.path, 'operators');
  return repo;
}

describe('images an operator names in env values and args', () => {
  it('appear in airgap bundle, status and the CloudShell image block; a push clears them', async () => {
    await using repo = await operatorRepo(
      `ignoreImages: ['quay.io/strimzi/kafka:*-kafka-3.8.*', 'quay.io/nothing/*']`,
    );
    const out = repo.dir();
    const bundled = await runCli(['bundle', 'dev-operators', '--out', out], { cwd: repo.path });
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(bundled.stdout).toContain('images    5 referenced, 3 not recorded in ECR for dev');
    for (const image of [BRIDGE, RELOADER, PROM_OPERATOR])
      expect(bundled.stdout).toContain(`    missing ${image}\n`);
    expect(bundled.stdout).not.toContain(KAFKA_39);
    // Opted out by the spec; the glob that left nothing out is a warning.
    expect(bundled.stdout + bundled.stderr).not.toContain(KAFKA_38);
    expect(unwrapped(bundled.stderr)).toContain(
      'bundles/dev-operators.yaml: ignoreImages quay.io/nothing/* matches no image in the manifests',
    );
    const outDir = bundled.stdout.trim().split('\n').at(-1) ?? '';
    const record = JSON.parse(readFileSync(join(outDir, 'bundle.json'), 'utf8')) as BundleRecord;
    expect(record.images).toEqual(
      [BRIDGE, KAFKA_39, RELOADER, PROM_OPERATOR, 'quay.io/strimzi/operator:0.45.0'].sort(),
    );

    commitAll(repo.path, `prepared ${record.id}`);
    const before = await runCli(['status', '--repo', repo.path]);
    // Named by quay.io and not pushed: one item each, outside, the ECR reference to push.
    for (const image of [BRIDGE, RELOADER, PROM_OPERATOR]) {
      expect(before.stdout).toContain(`  outside   ${image}\n`);
      expect(before.stdout).not.toContain(`  no ECR    ${image}\n`);
    }

    const cloudshell = readFileSync(join(outDir, 'cloudshell.sh'), 'utf8');
    const paste = readFileSync(join(outDir, 'PASTE.md'), 'utf8');
    for (const image of [BRIDGE, RELOADER]) {
      expect(cloudshell).toContain(image);
      expect(paste).toContain(image);
    }
    if (requireTool('shellcheck'))
      execFileSync('shellcheck', ['--severity=warning', '-s', 'bash', '-'], { input: cloudshell });

    // The image block, pasted in CloudShell (docker and ECR stand-ins), then ingested.
    const work = repo.dir();
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(join(standins, 'docker'), join(bin, 'docker'));
    symlinkSync(join(standins, 'aws-ecr'), join(bin, 'aws'));
    const blocks = cloudshellBlocks(record).filter((b) =>
      /^(Define the helpers|Push)/.test(b.title),
    );
    expect(blocks.filter((b) => b.title.startsWith('Push'))).toHaveLength(1);
    const transcript = join(work, 'cloudshell.txt');
    await pasteOnTerminal(
      blocks.map((b) => b.code).join('\n'),
      {
        ...process.env,
        HOME: work,
        PATH: `${bin}:${process.env.PATH}`,
        DOCKER_STATE_DIR: join(work, 'registry'),
      },
      work,
      transcript,
    );
    const ingested = await runCli(['ingest', transcript, '--repo', repo.path]);
    expect(ingested.code, ingested.stderr).toBe(0);
    const manifest = readFileSync(join(repo.path, 'docs/ecr-manifest.md'), 'utf8');
    expect(manifest).toMatch(/\| strimzi\/kafka-bridge \| 0\.31\.1 \|/);
    expect(manifest).toMatch(/\| prometheus-operator\/prometheus-config-reloader \| v0\.80\.0 \|/);
    commitAll(repo.path, 'images pushed');
    const after = await runCli(['status', '--repo', repo.path]);
    expect(after.stdout).not.toContain('no ECR');
    // Pushed, but the Deployments still name quay.io: a node behind the air gap cannot pull.
    expect(after.stdout).toContain(`  outside   ${PROM_OPERATOR}\n`);
    const runbooks = readdirSync(join(repo.path, 'docs/RUNBOOKS')).filter((f) =>
      f.includes(record.id),
    );
    const runbook = readFileSync(join(repo.path, 'docs/RUNBOOKS', runbooks[0] ?? ''), 'utf8');
    expect(runbook).toContain('**Images pulled from outside the air gap**');
    expect(runbook).toContain(
      `\`${PROM_OPERATOR.replace('quay.io', '111122223333.dkr.ecr.us-east-1.amazonaws.com')}\``,
    );
  });

  it('lists env and arg images in --json, each once, with nothing but references', async () => {
    await using repo = await operatorRepo();
    const run = await runCli(['bundle', 'dev-operators', '--json', '--out', repo.dir()], {
      cwd: repo.path,
    });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { images: string[]; missingImages: string[] };
    expect(result.images).toEqual(
      [
        BRIDGE,
        KAFKA_38,
        KAFKA_39,
        RELOADER,
        PROM_OPERATOR,
        'quay.io/strimzi/operator:0.45.0',
      ].sort(),
    );
    expect(result.missingImages).toEqual([BRIDGE, KAFKA_38, RELOADER, PROM_OPERATOR].sort());
  });
});
