import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import { commitAll, runCli } from '../helpers/ops-repo.js';

/** A new namespace and what runs in it, named so that alphabetical order is the wrong order. */
async function paymentsRepo(): Promise<OpsRepo> {
  const repo = await opsRepo();
  const dir = join(repo.path, 'k8s/dev/payments');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'a-deployment.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payments\n  namespace: payments\nspec:\n  replicas: 1\n',
  );
  writeFileSync(
    join(dir, 'b-config.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: payments-config\n  namespace: payments\ndata:\n  mode: dev\n',
  );
  writeFileSync(
    join(dir, 'namespace.yaml'),
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n',
  );
  writeFileSync(
    join(repo.path, 'bundles/dev-payments.yaml'),
    'name: dev-payments\nenvironment: dev\ndescription: Create the payments namespace\nfiles: [k8s/dev/payments/*.yaml]\ns3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }\n',
  );
  commitAll(repo.path, 'payments');
  return repo;
}

describe('the default plan against the kubectl stand-in', () => {
  it("says in bundle's output, --json and the runbook which file is applied without a dry run", async () => {
    await using repo = await opsRepo();
    // A release file as operators ship one: its Namespace and an object in it (n9's finding 5).
    mkdirSync(join(repo.path, 'k8s/dev/release'), { recursive: true });
    writeFileSync(
      join(repo.path, 'k8s/dev/release/release.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: release\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release-config\n  namespace: release\ndata:\n  mode: dev\n',
    );
    writeFileSync(
      join(repo.path, 'bundles/dev-release.yaml'),
      'name: dev-release\nenvironment: dev\ndescription: Install a release file\nfiles: [k8s/dev/release/*.yaml]\ns3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }\n',
    );
    commitAll(repo.path, 'a release file');
    const human = await runCli(['bundle', 'dev-release', '--out', repo.dir()], { cwd: repo.path });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(
      '\n  dry run   none for this file: each creates the Namespace of its own objects\n            k8s/dev/release/release.yaml\n',
    );
    expect(
      human.stdout
        .split('\n')
        .slice(0, -2)
        .every((line) => line.length <= 80),
    ).toBe(true);
    const json = await runCli(['bundle', 'dev-release', '--json', '--out', repo.dir()], {
      cwd: repo.path,
    });
    expect(JSON.parse(json.stdout).notDryRun).toEqual([
      { path: 'k8s/dev/release/release.yaml', creates: 'namespace release' },
    ]);

    const result = await bundle({ spec: 'dev-release', repo: repo.path, out: repo.dir() });
    const run = runBastionScript(result, fakeBastion(repo, result));
    expect(run.code, run.output).toBe(0);
    const transcript = join(repo.dir(), 'terminal.txt');
    writeFileSync(transcript, run.stdout);
    const ingested = await ingest({ transcript, repo: repo.path });
    expect(ingested.status).toBe('deployed');
    expect(readFileSync(join(repo.path, ingested.runbook), 'utf8')).toContain(
      '> **Not dry-run first**: `k8s/dev/release/release.yaml` creates namespace release for its own objects, which a server dry run cannot see: it was applied without a dry run or diff.',
    );
  });
  it('deploys a namespace and the objects in it, in order, with a preview before the applies', async () => {
    await using repo = await paymentsRepo();
    const result = await bundle({ spec: 'dev-payments', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, result);
    const run = runBastionScript(result, bastion);
    expect(run.code, run.output).toBe(0);
    const calls = readFileSync(join(bastion.kubeState, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls).toEqual([
      'apply --dry-run=server -f k8s/dev/payments/namespace.yaml',
      'diff -f k8s/dev/payments/namespace.yaml',
      'apply -f k8s/dev/payments/namespace.yaml',
      // The folder whole: kubectl reads what the plan wants from it, the Namespace unchanged.
      'apply --dry-run=server -f k8s/dev/payments',
      'diff -f k8s/dev/payments',
      'apply -f k8s/dev/payments',
    ]);
    expect(run.stdout).toContain('kubectl diff exit 1: the differences above');

    const transcript = join(repo.dir(), 'terminal.txt');
    writeFileSync(transcript, run.stdout);
    const ingested = await ingest({ transcript, repo: repo.path });
    expect(ingested.status).toBe('deployed');
    const runbook = readFileSync(join(repo.path, ingested.runbook), 'utf8');
    const preview = runbook.indexOf('+  name: payments-config');
    expect(preview).toBeGreaterThan(0);
    expect(preview).toBeLessThan(runbook.indexOf(': Apply k8s/dev/payments/ (3 files)'));
    expect(runbook.indexOf(': Apply k8s/dev/payments/ (3 files)')).toBeGreaterThan(0);
  });

  it('is refused by the stand-in in alphabetical order, as a real cluster would', async () => {
    await using repo = await paymentsRepo();
    const specPath = join(repo.path, 'bundles/dev-payments.yaml');
    writeFileSync(
      specPath,
      `${readFileSync(specPath, 'utf8')}steps:\n  - { name: Apply all, run: kubectl apply -f k8s/dev/payments/a-deployment.yaml -f k8s/dev/payments/namespace.yaml }\n`,
    );
    commitAll(repo.path, 'alphabetical');
    const result = await bundle({ spec: 'dev-payments', repo: repo.path, out: repo.dir() });
    const bastion = fakeBastion(repo, result);
    const run = runBastionScript(result, bastion);
    expect(run.output).toContain('namespaces "payments" not found');
    expect(run.code).not.toBe(0);
    const live = JSON.parse(readFileSync(join(bastion.kubeState, 'cluster.json'), 'utf8'));
    expect(Object.keys(live.objects)).toEqual(['namespace//payments']);
  });
});
