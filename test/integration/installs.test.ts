import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { bastionBlocks as pasteBlocks } from '../../src/paste/bastion.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import {
  argoCdInstall,
  largeTree,
  monitoringStack,
  operatorWithKustomizedCrds,
  type Tree,
  writeTree,
} from '../helpers/install-fixtures.js';
import { commitAll, requireTool } from '../helpers/ops-repo.js';

/** A spec with only name, environment, files and s3: the plan is airgap's own. */
async function bundled(ops: OpsRepo, name: string, tree: Tree, files: string[], extra = '') {
  const repo = ops.path;
  writeTree(repo, tree);
  writeFileSync(
    join(repo, `bundles/${name}.yaml`),
    `name: ${name}\nenvironment: dev\nfiles: [${files.map((f) => JSON.stringify(f)).join(', ')}]\ns3: { bucket: acme-airgap, prefix: bundles/dev, region: us-east-1 }\n${extra}`,
  );
  commitAll(repo, name);
  const result = await bundle({ spec: name, repo, out: ops.dir() });
  return { repo, result };
}

const bastionBlocks = (outDir: string) =>
  readFileSync(join(outDir, 'PASTE.md'), 'utf8').split('## Bastion')[1]!.match(/^### /gm)!.length;

/** Deploys on a fresh stand-in, then again on the same one: every unit succeeds both times. */
async function deployTwice(ops: OpsRepo, name: string, tree: Tree, files: string[], extra = '') {
  const { repo, result } = await bundled(ops, name, tree, files, extra);
  // Every object names its namespace or has none to name: no namespace warning.
  expect(result.record.unsetNamespaces).toBeUndefined();
  expect(result.warnings.join('\n')).not.toContain('namespace');
  const bastion = fakeBastion(ops, result);
  const first = runBastionScript(result, bastion);
  expect(first.stdout, first.output).toContain('airgap: RESULT: SUCCESS');
  expect(first.code).toBe(0);
  const second = runBastionScript(result, bastion);
  expect(second.stdout, second.output).toContain('airgap: RESULT: SUCCESS');
  expect(second.code).toBe(0);
  // The second run changes nothing: no object is created again.
  const secondApplies = second.stdout.split('\n').filter((l) => / (created|configured)$/.test(l));
  expect(secondApplies).toEqual([]);
  const transcript = join(ops.dir(), 'terminal.txt');
  writeFileSync(transcript, first.stdout);
  const ingested = await ingest({ transcript, repo });
  expect(ingested.status).toBe('deployed');
  return {
    result,
    first,
    second,
    ingested,
    live: () => JSON.parse(readFileSync(join(bastion.kubeState, 'cluster.json'), 'utf8')),
    calls: readFileSync(join(bastion.kubeState, 'calls.log'), 'utf8'),
  };
}

// Each test bundles megabytes of CRDs, runs the bastion twice and ingests: minutes on a loaded
// 2-core machine.
describe('public-install shapes deploy from files: alone, twice', { timeout: 300_000 }, () => {
  it('a monitoring stack: setup/ (Namespace, CRDs over 256 KiB) then ~85 files with Lists', async () => {
    await using ops = await opsRepo();
    const { result, first, calls } = await deployTwice(ops, 'monitoring', monitoringStack(), [
      'monitoring/**/*.yaml',
    ]);
    // No description in the spec: the runbook's objective says what was deployed where.
    expect(result.record.description).toBe('Deploy monitoring to dev');
    const commands = result.record.units.flatMap((u) => (u.command ? [u.command] : []));
    expect(commands).toEqual([
      'kubectl apply --dry-run=server --server-side --field-manager=airgap -f monitoring/setup',
      // CRDs are dry-run, not previewed: their diff is the whole schema.
      'kubectl diff -f monitoring/setup/0namespace-namespace.yaml',
      'kubectl apply --server-side --field-manager=airgap -f monitoring/setup',
      expect.stringMatching(
        /^kubectl wait --for=condition=Established --timeout=120s crd\/alertmanagers\.monitoring\.example\.io /,
      ),
      'kubectl apply --dry-run=server -f monitoring',
      'kubectl diff -f monitoring',
      'kubectl apply -f monitoring',
    ]);
    expect(first.stdout).toContain('rolebinding.rbac.authorization.k8s.io/prometheus-k8s created');
    expect(calls).not.toContain('kustomization');
    expect(readFileSync(join(result.outDir, 'PASTE.md'), 'utf8')).toContain(
      'over the 262,144 bytes that client-side apply can keep in its last-applied annotation',
    );
  });

  it('an operator whose CRD folder has a kustomization.yaml: kubectl apply -k, never -f on it', async () => {
    await using ops = await opsRepo();
    const { result, calls } = await deployTwice(ops, 'queues', operatorWithKustomizedCrds(), [
      'operator/**/*.yaml',
    ]);
    expect(calls).toContain('apply --server-side --field-manager=airgap -k operator/crds');
    expect(calls).not.toMatch(/-f \S*kustomization/);
    expect(
      result.record.units.some((u) => u.waitsFor?.includes('crd/queues.queue.example.io')),
    ).toBe(true);
  });

  it('300 files: no command over the limit, and no more blocks to paste than for 10', async () => {
    await using ops = await opsRepo();
    const { result } = await deployTwice(ops, 'fleet', largeTree(300), ['fleet/**/*.yaml']);
    const longest = Math.max(...result.record.units.map((u) => u.command?.length ?? 0));
    expect(longest).toBeLessThanOrEqual(1024);
    await using small10 = await opsRepo();
    const small = await bundled(small10, 'fleet-small', largeTree(10), ['fleet/**/*.yaml']);
    expect(bastionBlocks(result.outDir)).toBe(bastionBlocks(small.result.outDir));
  });

  it('Argo CD (no namespace on its objects): `namespace: argocd` puts them there; without it, a warning', async () => {
    await using ops = await opsRepo();
    const { result, calls, live } = await deployTwice(
      ops,
      'argocd',
      argoCdInstall(),
      ['argocd/*.yaml'],
      'namespace: argocd\n',
    );
    expect(calls).toContain('apply -f -');
    expect(calls).toContain(
      'apply --server-side --field-manager=airgap -n argocd -f argocd/install.yaml',
    );
    const placed = Object.keys(live().objects).sort();
    // Namespaced objects in argocd, none in default; cluster-scoped ones have no namespace.
    expect(placed.filter((k) => k.includes('/default/'))).toEqual([]);
    expect(placed).toEqual(
      expect.arrayContaining([
        'deployment.apps/argocd/argocd-server',
        'serviceaccount/argocd/argocd-application-controller',
        'statefulset.apps/argocd/argocd-application-controller',
        'clusterrolebinding.rbac.authorization.k8s.io//argocd-application-controller',
        'namespace//argocd',
      ]),
    );
    expect(result.warnings.join('\n')).not.toContain('namespace');
    // The block that creates the namespace passes shellcheck, with the helpers defined before.
    const blocks = pasteBlocks(result.record);
    const create = blocks.find((b) => b.title.includes('Create namespace argocd'));
    expect(create?.code).toContain('kubectl create namespace argocd --dry-run=client -o yaml');
    if (requireTool('shellcheck')) {
      const setup = blocks.filter((b) => b.title.startsWith('Load the airgap helpers'));
      const script = join(ops.dir(), 'create-namespace.sh');
      writeFileSync(
        script,
        `#!/usr/bin/env bash\n${setup.map((b) => b.code).join('\n')}\n${create?.code}\n`,
      );
      const check = spawnSync('shellcheck', ['--severity=warning', script], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toBe('');
    }

    // Without the key: the bundle says so, once, in the warnings, PASTE.md and the runbook.
    await using bare = await opsRepo();
    const { repo, result: unset } = await bundled(bare, 'argocd', argoCdInstall(), [
      'argocd/*.yaml',
    ]);
    const warning =
      'argocd/install.yaml: 9 namespaced object(s) without a namespace go to the current namespace (default); its bindings name argocd: set `namespace: argocd` in the spec';
    expect(unset.warnings.filter((w) => w.includes('namespace'))).toEqual([warning]);
    const paste = readFileSync(join(unset.outDir, 'PASTE.md'), 'utf8');
    const note = paste.slice(paste.indexOf('Namespace not set:'));
    expect(note.split('\n').slice(2, 6)).toEqual([
      '- argocd/install.yaml: 9 namespaced object(s) without a namespace go to the',
      // Markdown-escaped, as every note of PASTE.md (a path may hold any character).
      '  current namespace (default); its bindings name argocd: set \\`namespace:',
      '  argocd\\` in the spec',
      '',
    ]);
    const bastion = fakeBastion(bare, unset);
    const run = runBastionScript(unset, bastion);
    expect(run.stdout, run.output).toContain('airgap: RESULT: SUCCESS');
    // What the warning is about: on the stand-in, as on a cluster, they went to default.
    const state = JSON.parse(readFileSync(join(bastion.kubeState, 'cluster.json'), 'utf8'));
    expect(Object.keys(state.objects)).toContain('deployment.apps/default/argocd-server');
    const transcript = join(bare.dir(), 'terminal.txt');
    writeFileSync(transcript, run.stdout);
    const ingested = await ingest({ transcript, repo });
    const runbook = readFileSync(join(repo, ingested.runbook), 'utf8');
    const quote = runbook.slice(runbook.indexOf('> **Namespace not set**')).split('\n\n')[0]!;
    expect(quote.split('\n').every((l) => l.startsWith('> ') && l.length <= 80)).toBe(true);
    expect(quote.replace(/\n> /g, ' ')).toBe(`> **Namespace not set**: ${warning}.`);
  });

  it('Argo CD with `namespace: gitops`: its bindings name argocd, so the bundle says so once', async () => {
    await using ops = await opsRepo();
    const { repo, result } = await bundled(
      ops,
      'argocd',
      argoCdInstall(),
      ['argocd/*.yaml'],
      'namespace: gitops\n',
    );
    const warning =
      'argocd/install.yaml: its bindings name argocd but its objects go to gitops (spec `namespace:`): edit the subjects or set `namespace: argocd`';
    expect(result.warnings.filter((w) => w.includes('namespace'))).toEqual([warning]);
    const paste = readFileSync(join(result.outDir, 'PASTE.md'), 'utf8');
    const note = paste.slice(paste.indexOf('Namespace of the bindings:')).split('\n\n')[1]!;
    expect(note.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(note.replace(/\n {2}/g, ' ').replace(/\\`/g, '`')).toBe(`- ${warning}`);
    const bastion = fakeBastion(ops, result);
    const run = runBastionScript(result, bastion);
    expect(run.stdout, run.output).toContain('airgap: RESULT: SUCCESS');
    const transcript = join(ops.dir(), 'terminal.txt');
    writeFileSync(transcript, run.stdout);
    const ingested = await ingest({ transcript, repo });
    const runbook = readFileSync(join(repo, ingested.runbook), 'utf8');
    const quote = runbook
      .slice(runbook.indexOf('> **Namespace of the bindings**'))
      .split('\n\n')[0]!;
    expect(quote.split('\n').every((l) => l.startsWith('> ') && l.length <= 80)).toBe(true);
    expect(quote.replace(/\n> /g, ' ')).toBe(`> **Namespace of the bindings**: ${warning}.`);
  });

  it('a spec with its own steps and `namespace:` is told the key does nothing there', async () => {
    await using ops = await opsRepo();
    const { result } = await bundled(
      ops,
      'argocd-steps',
      argoCdInstall(),
      ['argocd/*.yaml'],
      'namespace: argocd\nsteps:\n  - name: apply\n    run: kubectl apply -f argocd/install.yaml\n',
    );
    // The steps run as written: nothing creates argocd or applies with -n.
    expect(result.record.units.map((u) => u.name).join('\n')).not.toContain('Create namespace');
    expect(result.warnings).toContain(
      'namespace: argocd is for the default plan only: this spec has its own steps, which run as written (no -n argocd, the namespace not created); name it in the steps, or drop steps:',
    );
  });
});
