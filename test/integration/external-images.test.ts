import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BundleRecord } from '../../src/model/record.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import { prometheusOperator } from '../helpers/operator-fixtures.js';
import { commitAll, runCli } from '../helpers/ops-repo.js';

const REGISTRY = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
const FILE = 'k8s/dev/operators/prometheus-operator.yaml';
const OPERATOR = 'quay.io/prometheus-operator/prometheus-operator:v0.80.0';
const RELOADER = 'quay.io/prometheus-operator/prometheus-config-reloader:v0.80.0';
const IN_ECR = `${REGISTRY}/edenhill/kcat:1.7.1`;

/** prometheus-operator as published (quay.io), beside a Pod that already names ECR. */
async function publicInstall(ecr: string): Promise<OpsRepo> {
  const repo = await opsRepo();
  mkdirSync(join(repo.path, 'k8s/dev/operators'), { recursive: true });
  writeFileSync(join(repo.path, FILE), prometheusOperator('v0.80.0'));
  writeFileSync(
    join(repo.path, 'k8s/dev/operators/kcat.yaml'),
    `apiVersion: v1\nkind: Pod\nmetadata: { name: kcat, namespace: kafka }\nspec:\n  containers:\n    - name: kcat\n      image: ${IN_ECR}\n`,
  );
  writeFileSync(
    join(repo.path, 'bundles/dev-prom.yaml'),
    [
      'name: dev-prom',
      'environment: dev',
      'files: [k8s/dev/operators/*.yaml]',
      's3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }',
      ecr,
    ].join('\n'),
  );
  commitAll(repo.path, 'prometheus-operator');
  return repo;
}

/**
 * The output as one line: it may wrap a warning between words at 80 columns, a reference too
 * long for its indent on a line of its own at column 0.
 */
const unwrapped = (text: string) => text.replace(/\n */g, ' ');

const lineOf = (text: string, image: string) =>
  text.split('\n').findIndex((l) => l.includes(image)) + 1;

/** Records every image of the bundle in docs/ecr-manifest.md, as a CloudShell push would. */
function recordAllInEcr(repo: string) {
  const rows = [
    ['prometheus-operator/prometheus-operator', 'v0.80.0'],
    ['prometheus-operator/prometheus-config-reloader', 'v0.80.0'],
    ['edenhill/kcat', '1.7.1'],
  ].map(
    ([r, t]) => `| ${r} | ${t} | sha256:${'1'.repeat(64)} | dev | 2026-12-07 | CloudShell push |`,
  );
  writeFileSync(
    join(repo, 'docs/ecr-manifest.md'),
    `# ECR manifest\n\n| Repository | Tag | Digest | Environment | Date | Source |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
  );
  commitAll(repo, 'images pushed');
}

describe('images a manifest pulls from outside the air gap', () => {
  it('are warned about with file:line and the ECR reference, and keep status red once pushed', async () => {
    await using ops = await publicInstall(`ecr: { registry: ${REGISTRY}, region: us-east-1 }`);
    const text = readFileSync(join(ops.path, FILE), 'utf8');
    const bundled = await runCli(['bundle', 'dev-prom', '--out', ops.dir()], { cwd: ops.path });
    expect(bundled.code, bundled.stderr).toBe(0);
    for (const image of [OPERATOR, RELOADER])
      expect(unwrapped(bundled.stderr)).toContain(
        `${FILE}:${lineOf(text, image)}: ${image} is pulled from quay.io, outside the air gap: write ${image.replace('quay.io', REGISTRY)} instead`,
      );
    // Already named by its ECR reference: nothing to say.
    expect(unwrapped(bundled.stderr)).not.toContain(`${IN_ECR} is pulled`);
    const outDir = bundled.stdout.trim().split('\n').at(-1) ?? '';
    const paste = readFileSync(join(outDir, 'PASTE.md'), 'utf8');
    expect(paste).toContain(
      `- Pulled from outside the air gap: \`${OPERATOR}\` (\`${FILE}:${lineOf(text, OPERATOR)}\`)`,
    );
    const record = JSON.parse(readFileSync(join(outDir, 'bundle.json'), 'utf8')) as BundleRecord;
    commitAll(ops.path, `prepared ${record.id}`);

    // Not pushed yet: each image once, as outside, the reference to write being the one to
    // push (n8b 7: it was listed as 'no ECR' too, and counted twice).
    const unpushed = await runCli(['status', '--check', '--repo', ops.path]);
    expect(unpushed.code).toBe(27);
    for (const image of [OPERATOR, RELOADER]) {
      expect(unpushed.stdout).not.toContain(`no ECR    ${image}`);
      expect(unpushed.stdout.split(image)).toHaveLength(2);
      expect(unwrapped(unpushed.stdout)).toContain(
        `outside   ${image} write ${image.replace('quay.io', REGISTRY)} (not in ECR yet: push it)`,
      );
      expect(unwrapped(unpushed.stderr)).toContain(
        `${image} (for ${record.id}) is pulled from outside the air gap and not recorded in ECR: write ${image.replace('quay.io', REGISTRY)} in the manifests and push it`,
      );
      expect(unwrapped(unpushed.stderr).split(image)).toHaveLength(2); // one item
    }
    // --json keeps both lists; attention says each image once.
    const unpushedJson = JSON.parse(
      (await runCli(['status', '--json', '--repo', ops.path])).stdout,
    ) as {
      attention: string[];
      environments: Array<{
        missingImages: Array<{ image: string }>;
        externalImages: Array<{ image: string; notInEcr: boolean }>;
      }>;
    };
    const env = unpushedJson.environments[0];
    for (const image of [OPERATOR, RELOADER]) {
      expect(env?.missingImages.map((m) => m.image)).toContain(image);
      expect(env?.externalImages.find((e) => e.image === image)?.notInEcr).toBe(true);
      expect(unpushedJson.attention.filter((a) => a.includes(`: ${image} `))).toHaveLength(1);
    }

    // Every image pushed and recorded: still not pullable from the nodes.
    recordAllInEcr(ops.path);
    const status = await runCli(['status', '--check', '--repo', ops.path]);
    expect(status.stdout).not.toContain('no ECR');
    expect(status.stdout).toContain(`  outside   ${OPERATOR}\n`);
    expect(status.stdout).toContain(`  outside   ${RELOADER}\n`);
    expect(unwrapped(status.stderr)).toContain('is pulled from outside the air gap');
    expect(status.code).not.toBe(0);

    const json = await runCli(['bundle', 'dev-prom', '--json', '--out', ops.dir()], {
      cwd: ops.path,
    });
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as { externalImages: unknown[] };
    expect(result.externalImages).toEqual(
      [
        {
          file: FILE,
          line: lineOf(text, RELOADER),
          image: RELOADER,
          ecrReference: RELOADER.replace('quay.io', REGISTRY),
        },
        {
          file: FILE,
          line: lineOf(text, OPERATOR),
          image: OPERATOR,
          ecrReference: OPERATOR.replace('quay.io', REGISTRY),
        },
      ].sort((a, b) => a.line - b.line),
    );
  });

  it('are not reported when the spec says the nodes reach that registry through a mirror', async () => {
    await using ops = await publicInstall(
      `ecr: { registry: ${REGISTRY}, region: us-east-1, mirrors: [quay.io, ghcr] }`,
    );
    const bundled = await runCli(['bundle', 'dev-prom', '--json', '--out', ops.dir()], {
      cwd: ops.path,
    });
    expect(bundled.code, bundled.stderr).toBe(0);
    const result = JSON.parse(bundled.stdout) as { externalImages: unknown[]; warnings: string[] };
    expect(result.externalImages).toEqual([]);
    expect(result.warnings.join('\n')).not.toContain('outside the air gap');
    // A mirror no image comes from is a typo's mark: said once, naming the hosts used.
    expect(result.warnings.filter((w) => w.includes('ecr.mirrors'))).toEqual([
      'bundles/dev-prom.yaml: ecr.mirrors ghcr is the registry of no image in the manifests (they name quay.io)',
    ]);
    commitAll(ops.path, 'prepared');
    recordAllInEcr(ops.path);
    const status = await runCli(['status', '--repo', ops.path]);
    expect(status.stdout).not.toContain('outside');
  });

  it('are cleared from status by a mirror committed to the spec later, without a new deployment (n8b 4)', async () => {
    const ecr = `ecr: { registry: ${REGISTRY}, region: us-east-1 }`;
    await using ops = await publicInstall(ecr);
    const bundled = await runCli(['bundle', 'dev-prom', '--out', ops.dir()], { cwd: ops.path });
    expect(bundled.code, bundled.stderr).toBe(0);
    commitAll(ops.path, 'prepared');
    recordAllInEcr(ops.path);
    const before = await runCli(['status', '--repo', ops.path]);
    expect(before.stdout).toContain(`  outside   ${OPERATOR}\n`);
    // The nodes pull quay.io through a mirror: said in the working copy only, not yet.
    const specFile = join(ops.path, 'bundles/dev-prom.yaml');
    const spec = readFileSync(specFile, 'utf8');
    writeFileSync(specFile, spec.replace(ecr, ecr.replace(' }', ', mirrors: [quay.io] }')));
    const uncommitted = await runCli(['status', '--repo', ops.path]);
    expect(uncommitted.stdout).toContain(`  outside   ${OPERATOR}\n`);
    // Committed: the recorded bundle's quay.io images are judged by HEAD's mirrors.
    commitAll(ops.path, 'quay.io is mirrored');
    const after = await runCli(['status', '--repo', ops.path]);
    expect(after.stdout).not.toContain('outside');
    expect(unwrapped(after.stderr)).not.toContain('outside the air gap');
    const json = await runCli(['status', '--json', '--repo', ops.path]);
    const result = JSON.parse(json.stdout) as { environments: Array<{ externalImages: [] }> };
    expect(result.environments[0]?.externalImages).toEqual([]);
  });

  it('in ignoreImages are not reported', async () => {
    await using ops = await publicInstall(
      `ecr: { registry: ${REGISTRY}, region: us-east-1 }\nignoreImages: ['${RELOADER}']`,
    );
    const bundled = await runCli(['bundle', 'dev-prom', '--out', ops.dir()], { cwd: ops.path });
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(unwrapped(bundled.stderr)).toContain(`${OPERATOR} is pulled from quay.io`);
    expect(unwrapped(bundled.stderr)).not.toContain(`${RELOADER} is pulled`);
  });
});
