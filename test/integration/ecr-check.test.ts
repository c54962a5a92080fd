import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { parseImageRef } from '../../src/model/images.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo, type TempDir } from '../helpers/fixtures.js';
import { commitAll, standins } from '../helpers/ops-repo.js';

/** `aws s3 …` from the local S3 stand-in, `aws ecr …` from the ECR stand-in. */
function awsBin(scratch: TempDir): string {
  const bin = scratch.dir('airgap-aws-');
  writeFileSync(
    join(bin, 'aws'),
    `#!/usr/bin/env bash\ncase "$1" in\n  s3) exec ${join(standins, 'aws-local')} "$@" ;;\n  *) exec ${join(standins, 'aws-ecr')} "$@" ;;\nesac\n`,
    { mode: 0o755 },
  );
  return bin;
}

async function checkedBundle(ops: OpsRepo) {
  const repo = ops.path;
  const spec = join(repo, 'bundles/dev-quote-service.yaml');
  writeFileSync(spec, `${readFileSync(spec, 'utf8')}  check: true\n`);
  commitAll(repo, 'check images in ECR');
  return bundle({ spec: 'dev-quote-service', repo, out: ops.dir() });
}

describe('the ECR check unit (ecr.check: true)', () => {
  it('stops before any step and names the missing images', async () => {
    await using ops = await opsRepo();
    const result = await checkedBundle(ops);
    expect(result.record.units.map((u) => u.kind).slice(0, 5)).toEqual([
      'download',
      'verify',
      'extract',
      'ecr-check',
      'step',
    ]);
    const ecrState = ops.dir();
    const [present, ...absent] = result.record.images;
    expect(absent.length).toBeGreaterThan(0);
    const ref = parseImageRef(present ?? '');
    writeFileSync(
      join(ecrState, `${ref.repository}:${ref.tag}`.replace(/[/:]/g, '_')),
      'sha256:ab12\n',
    );
    const bastion = fakeBastion(ops, result, { DOCKER_STATE_DIR: ecrState });
    const env = { ...bastion.env, PATH: `${awsBin(ops)}:${bastion.env.PATH}` };
    const run = runBastionScript(result, { ...bastion, env });
    expect(run.stdout).toContain(`in ECR   ${present} sha256:ab12`);
    for (const image of absent) expect(run.stdout).toContain(`MISSING  ${image}`);
    expect(run.stdout).toContain(`airgap: ${absent.length} image(s) missing in ECR`);
    // A multi-line command shows its first line in the transcript; the runbook has it whole.
    expect(run.stdout).toMatch(/\] \$ missing=0 \.\.\.$/m);
    expect(run.stdout).not.toContain("printf 'MISSING");
    // The ECR check (unit 4) is in the transfer block, the first after the helper blocks.
    const block = bastionBlocks(result.record).findIndex((b) => b.units?.includes(4)) + 1;
    expect(bastionBlocks(result.record)[block - 1]?.title).toMatch(/^Download, verify/);
    expect(run.stdout).toContain(
      `skipped: block ${block} (unit 4) failed earlier; paste block ${block} again`,
    );
    // Only the read-only verify commands reached kubectl.
    const calls = readFileSync(join(bastion.kubeState, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls.filter((c) => !c.startsWith('rollout ') && !c.startsWith('get '))).toEqual([]);
    expect(run.code).not.toBe(0);
  });

  it('lets the steps run when every image is there', async () => {
    await using ops = await opsRepo();
    const result = await checkedBundle(ops);
    const ecrState = ops.dir();
    mkdirSync(ecrState, { recursive: true });
    for (const image of result.record.images) {
      const ref = parseImageRef(image);
      writeFileSync(
        join(ecrState, `${ref.repository}:${ref.tag}`.replace(/[/:]/g, '_')),
        'sha256:cd34\n',
      );
    }
    const bastion = fakeBastion(ops, result, { DOCKER_STATE_DIR: ecrState });
    const env = { ...bastion.env, PATH: `${awsBin(ops)}:${bastion.env.PATH}` };
    const run = runBastionScript(result, { ...bastion, env });
    expect(run.stdout).not.toMatch(/^MISSING/m);
    expect(run.code, run.output).toBe(0);
  });
});
