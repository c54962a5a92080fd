import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TempDir, tempDir } from '../helpers/fixtures.js';
import { kubectlClient } from '../helpers/kubectl-server.js';
import { standins } from '../helpers/ops-repo.js';

/** A fresh cluster and a folder of manifests; `kubectl(...)` runs the stand-in in that folder. */
function cluster(scratch: TempDir, files: Record<string, string>) {
  const root = scratch.dir('airgap-kube-');
  const state = join(root, 'state');
  const work = join(root, 'work');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  mkdirSync(work, { recursive: true });
  const piped = (input: string, ...args: string[]) => {
    const run = spawnSync(process.execPath, [join(standins, 'kubectl'), ...args], {
      cwd: work,
      env: { ...process.env, KUBECTL_STATE_DIR: state },
      encoding: 'utf8',
      input,
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
  const kubectl = (...args: string[]) => piped('', ...args);
  const live = () => JSON.parse(readFileSync(join(state, 'cluster.json'), 'utf8'));
  return { kubectl, piped, live, work, state };
}

const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
const cm = (name: string, namespace: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  a: "1"\n`;
const crd = (plural: string, kind: string, padding = 0) =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${plural}.example.io\n  annotations:\n    padding: "${'x'.repeat(padding)}"\nspec:\n  group: example.io\n  scope: Namespaced\n  names: { kind: ${kind}, plural: ${plural} }\n  versions: [{ name: v1, served: true, storage: true }]\n`;
const widget = (name: string, namespace: string) =>
  `apiVersion: example.io/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n`;

describe('the kubectl stand-in models an API server', () => {
  it('ends quietly, as SIGPIPE ends kubectl (141), when its reader stops early (| head -1)', async () => {
    await using scratch = await tempDir();
    const many = Array.from({ length: 300 }, (_, i) => cm(`c${i}-${'x'.repeat(300)}`, 'default'));
    const { kubectl, work, state } = cluster(scratch, { 'all.yaml': many.join('---\n') });
    expect(kubectl('apply', '-f', 'all.yaml').code).toBe(0);
    // ~200 KB of YAML: more than a pipe holds, so the stand-in is still writing when head exits.
    const run = spawnSync(
      'bash',
      [
        '-c',
        `'${process.execPath}' '${join(standins, 'kubectl')}' get cm -o yaml | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`,
      ],
      { cwd: work, env: { ...process.env, KUBECTL_STATE_DIR: state }, encoding: 'utf8' },
    );
    expect(run.stdout).toBe('apiVersion: v1\n');
    expect(run.stderr).toBe('rc=141\n');
  });
  it('persists nothing in a server dry run: a Namespace of the same call does not exist for later objects', async () => {
    await using tmp = await tempDir();
    const { kubectl } = cluster(tmp, { 'all.yaml': `${ns('shop')}---\n${cm('c', 'shop')}` });
    const dry = kubectl('apply', '--dry-run=server', '-f', 'all.yaml');
    expect(dry.stdout).toBe('namespace/shop created (server dry run)\n');
    expect(dry.stderr).toContain(
      'Error from server (NotFound): error when creating "all.yaml": namespaces "shop" not found',
    );
    expect(dry.code).toBe(1);
    // A real apply creates in order: the Namespace exists by the time the ConfigMap comes.
    const real = kubectl('apply', '-f', 'all.yaml');
    expect(real.stdout).toBe('namespace/shop created\nconfigmap/c created\n');
    expect(real.code).toBe(0);
    expect(kubectl('apply', '-f', 'all.yaml').stdout).toBe(
      'namespace/shop unchanged\nconfigmap/c unchanged\n',
    );
  });

  it('maps every object before applying any: a CRD of the same call, or not Established, serves nothing', async () => {
    await using tmp = await tempDir();
    const { kubectl, live } = cluster(tmp, {
      'crd.yaml': crd('widgets', 'Widget'),
      'w.yaml': widget('w', 'default'),
    });
    const together = kubectl('apply', '-f', 'crd.yaml', '-f', 'w.yaml');
    expect(together.stdout).toBe(
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.io created\n',
    );
    expect(together.stderr).toBe(
      'error: resource mapping not found for name: "w" namespace: "default" from "w.yaml": no matches for kind "Widget" in version "example.io/v1"\nensure CRDs are installed first\n',
    );
    expect(together.code).toBe(1);
    expect(kubectl('apply', '-f', 'w.yaml').stderr).toContain('no matches for kind "Widget"');
    const waited = kubectl(
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/widgets.example.io',
    );
    expect(waited.stdout).toBe(
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.io condition met\n',
    );
    expect(kubectl('apply', '-f', 'w.yaml').stdout).toBe('widget.example.io/w created\n');
    expect(Object.keys(live().objects)).toContain('widget.example.io/default/w');
    expect(
      kubectl('wait', '--for=condition=Established', 'crd/nothing.example.io').stderr,
    ).toContain('customresourcedefinitions.apiextensions.k8s.io "nothing.example.io" not found');
  });

  it('refuses client-side apply of an object over the annotation limit, not server-side apply', async () => {
    await using tmp = await tempDir();
    const { kubectl } = cluster(tmp, { 'big.yaml': crd('gadgets', 'Gadget', 262_144) });
    const client = kubectl('apply', '-f', 'big.yaml');
    expect(client.stderr).toBe(
      'The CustomResourceDefinition "gadgets.example.io" is invalid: metadata.annotations: Too long: must have at most 262144 bytes\n',
    );
    expect(client.code).toBe(1);
    expect(kubectl('diff', '-f', 'big.yaml').code).toBe(2);
    expect(kubectl('apply', '--dry-run=server', '--server-side', '-f', 'big.yaml').stdout).toBe(
      'customresourcedefinition.apiextensions.k8s.io/gadgets.example.io serverside-applied (server dry run)\n',
    );
    const server = kubectl('apply', '--server-side', '--field-manager=airgap', '-f', 'big.yaml');
    expect(server.stdout).toContain('gadgets.example.io serverside-applied\n');
    expect(kubectl('diff', '--server-side', '--field-manager=airgap', '-f', 'big.yaml').code).toBe(
      0,
    );
  });

  it('applies the items of a List, and refuses files with nothing kubectl can map', async () => {
    await using tmp = await tempDir();
    const list = `apiVersion: v1\nkind: ConfigMapList\nitems:\n- ${cm('a', 'kafka').replaceAll('\n', '\n  ').trimEnd()}\n- ${cm('b', 'kafka').replaceAll('\n', '\n  ').trimEnd()}\n`;
    const { kubectl } = cluster(tmp, {
      'list.yaml': list,
      'empty.yaml': '# nothing here\n',
      'k/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\nnamespace: quotes\n',
      'k/cm.yaml': cm('k', 'default'),
      'bare/kustomization.yaml': 'resources: [cm.yaml]\n',
    });
    expect(kubectl('apply', '-f', 'list.yaml').stdout).toBe(
      'configmap/a created\nconfigmap/b created\n',
    );
    expect(kubectl('apply', '-f', 'empty.yaml').stderr).toBe('error: no objects passed to apply\n');
    expect(kubectl('apply', '-f', 'k/kustomization.yaml').stderr).toContain(
      'no matches for kind "Kustomization" in version "kustomize.config.k8s.io/v1beta1"',
    );
    expect(kubectl('apply', '-f', 'bare/kustomization.yaml').stderr).toContain(
      'error validating data: [apiVersion not set, kind not set]',
    );
    expect(kubectl('apply', '-f', 'k').code).toBe(1);
    const kustomized = kubectl('apply', '-k', 'k');
    expect(kustomized.stdout).toBe('configmap/k created\n');
    expect(kubectl('get', 'ns').code).toBe(0);
  });

  it('fails on a flag kubectl does not have, as kubectl does', async () => {
    await using tmp = await tempDir();
    const { kubectl } = cluster(tmp, { 'a.yaml': cm('a', 'kafka') });
    expect(kubectl('apply', '--serverside', '-f', 'a.yaml').stderr).toBe(
      'error: unknown flag: --serverside\n',
    );
  });
  it('answers `get <kind> <name>` for a missing object with NotFound and exit 1, as kubectl does', async () => {
    await using tmp = await tempDir();
    const { kubectl } = cluster(tmp, {
      'ns.yaml': ns('payments'),
      'crd.yaml': crd('widgets', 'Widget'),
    });
    // Before the namespace is applied, a verify step naming it must fail (it listed them all, 0).
    const before = kubectl('get', 'namespace', 'payments');
    expect(before).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): namespaces "payments" not found\n',
    });
    expect(kubectl('apply', '-f', 'ns.yaml', '-f', 'crd.yaml').code).toBe(0);
    const after = kubectl('get', 'namespace', 'payments');
    expect(after.code).toBe(0);
    expect(after.stdout.trim().split('\n')).toEqual([
      'NAME              STATUS   AGE',
      'payments          Active   1d',
    ]);
    // Several names: the rows of those found, an error for each of the rest.
    const some = kubectl('get', 'ns', 'payments', 'nope', 'kafka2');
    expect(some.code).toBe(1);
    expect(some.stdout).toContain('payments');
    expect(some.stdout).not.toContain('default');
    expect(some.stderr.trim().split('\n')).toEqual([
      'Error from server (NotFound): namespaces "nope" not found',
      'Error from server (NotFound): namespaces "kafka2" not found',
    ]);
    // Every kind the stand-in serves, in both spellings kubectl takes.
    expect(kubectl('get', 'crd', 'widgets.example.io').code).toBe(0);
    expect(kubectl('get', 'crd/gadgets.example.io').stderr).toBe(
      'Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "gadgets.example.io" not found\n',
    );
    expect(kubectl('get', 'kafkatopic', 'quote-priced', '-n', 'kafka').stderr).toBe(
      'Error from server (NotFound): kafkatopics.kafka.strimzi.io "quote-priced" not found\n',
    );
    expect(kubectl('get', 'pods', 'nope', '-n', 'quotes', '-o', 'wide').code).toBe(1);
    // Without a name, a kind with nothing in it is still the header and exit 0.
    expect(kubectl('get', 'kafkatopic', '-n', 'kafka')).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('the kubectl stand-in answers what an operator types on a bastion', () => {
  const operator = [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: prometheus-operator, namespace: default }\nspec: { replicas: 2 }\n',
    'apiVersion: v1\nkind: Service\nmetadata: { name: prometheus-operator, namespace: default }\n',
    'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: prometheus-operator, namespace: default }\n',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: prometheus-operator }\n',
  ].join('---\n');

  it('`apply -f -` reads stdin; `get` serves every built-in kind by singular, plural, short and group name', async () => {
    await using tmp = await tempDir();
    const { kubectl, piped } = cluster(tmp, {});
    const applied = piped(operator, 'apply', '-f', '-');
    expect(applied).toEqual({
      code: 0,
      stdout: [
        'deployment.apps/prometheus-operator created',
        'service/prometheus-operator created',
        'serviceaccount/prometheus-operator created',
        'clusterrole.rbac.authorization.k8s.io/prometheus-operator created\n',
      ].join('\n'),
      stderr: '',
    });
    const table = [
      'NAME                  READY   UP-TO-DATE   AVAILABLE   AGE',
      'prometheus-operator   2/2     2            2           1d\n',
    ].join('\n');
    for (const type of ['deployment', 'deployments', 'deploy', 'deployments.apps'])
      expect(kubectl('get', type, 'prometheus-operator', '-n', 'default')).toEqual({
        code: 0,
        stdout: table,
        stderr: '',
      });
    expect(kubectl('get', 'deploy/prometheus-operator').stdout).toBe(table);
    for (const [type, name] of [
      ['svc', 'service/prometheus-operator'],
      ['services', 'service/prometheus-operator'],
      ['sa', 'serviceaccount/prometheus-operator'],
      ['clusterrole', 'clusterrole.rbac.authorization.k8s.io/prometheus-operator'],
      ['clusterroles', 'clusterrole.rbac.authorization.k8s.io/prometheus-operator'],
    ] as const)
      expect(kubectl('get', type!, '-o', 'name')).toMatchObject({ code: 0, stdout: `${name}\n` });
    expect(kubectl('get', 'clusterrole', 'prometheus-operator', '-o', 'yaml').stdout).toBe(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: prometheus-operator\n',
    );
    expect(
      JSON.parse(kubectl('get', 'deploy', '-o', 'json').stdout).items.map(
        (o: { metadata: { name: string } }) => o.metadata.name,
      ),
    ).toEqual(['prometheus-operator']);
    // Another namespace holds none of them; a name not there is NotFound, exit 1.
    expect(kubectl('get', 'cm', '-n', 'kafka')).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No resources found in kafka namespace.\n',
    });
    expect(kubectl('get', 'deployment', 'nope', '-n', 'default')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n',
    });
    // A type no server has is still kubectl's error for it.
    expect(kubectl('get', 'deploymentz').stderr).toBe(
      'error: the server doesn\'t have a resource type "deploymentz"\n',
    );
  });

  it('serves a CRD kind by its plural and short names once Established', async () => {
    await using tmp = await tempDir();
    const withShort = crd('widgets', 'Widget').replace(
      'plural: widgets',
      'plural: widgets, shortNames: [wd]',
    );
    const { kubectl } = cluster(tmp, { 'crd.yaml': withShort, 'w.yaml': widget('w', 'default') });
    expect(kubectl('apply', '-f', 'crd.yaml').code).toBe(0);
    expect(kubectl('get', 'widgets').stderr).toBe(
      'error: the server doesn\'t have a resource type "widgets"\n',
    );
    expect(kubectl('wait', '--for=condition=Established', 'crd/widgets.example.io').code).toBe(0);
    expect(kubectl('apply', '-f', 'w.yaml').code).toBe(0);
    for (const type of ['widget', 'widgets', 'wd', 'widgets.example.io'])
      expect(kubectl('get', type, '-o', 'name').stdout).toBe('widget.example.io/w\n');
  });

  it('`create namespace` creates one, and says AlreadyExists the second time', async () => {
    await using tmp = await tempDir();
    const { kubectl, live } = cluster(tmp, {});
    expect(kubectl('create', 'namespace', 'monitoring')).toEqual({
      code: 0,
      stdout: 'namespace/monitoring created\n',
      stderr: '',
    });
    expect(live().namespaces).toContain('monitoring');
    expect(kubectl('get', 'ns', 'monitoring').code).toBe(0);
    expect(kubectl('create', 'ns', 'monitoring')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (AlreadyExists): namespaces "monitoring" already exists\n',
    });
    expect(kubectl('create', 'namespace', 'x', '--dry-run=client').stdout).toBe(
      'namespace/x created (dry run)\n',
    );
    expect(live().namespaces).not.toContain('x');
    // What it does not model it refuses, rather than answering wrongly.
    expect(kubectl('create', 'secret', 'generic', 's').stderr).toBe(
      'error: the kubectl stand-in does not model "create secret"\n',
    );
  });
  it('puts an object without a namespace in -n, else in default; refuses a mismatch and a missing -n namespace', async () => {
    await using tmp = await tempDir();
    // Argo CD's install.yaml: namespaced objects with no metadata.namespace, and cluster ones.
    const bare =
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n';
    const { kubectl, piped, live } = cluster(tmp, {
      'bare.yaml': bare,
      'other.yaml': cm('c', 'kafka'),
    });
    // -n a namespace that does not exist: NotFound for the namespaced object only.
    const missing = kubectl('apply', '-n', 'argocd', '-f', 'bare.yaml');
    expect(missing).toEqual({
      code: 1,
      stdout: 'clusterrole.rbac.authorization.k8s.io/r created\n',
      stderr:
        'Error from server (NotFound): error when creating "bare.yaml": namespaces "argocd" not found\n',
    });
    expect(kubectl('diff', '--namespace=argocd', '-f', 'bare.yaml').code).toBe(2);
    // An object of another namespace than -n: kubectl's own refusal, nothing applied.
    expect(kubectl('apply', '-n', 'quotes', '-f', 'other.yaml')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: the namespace from the provided object "kafka" does not match the namespace "quotes". You must pass \'--namespace=kafka\' to perform this operation.\n',
    });
    // Without -n: the context's namespace, default.
    expect(kubectl('apply', '-f', 'bare.yaml').code).toBe(0);
    // The idempotent create a plan runs: created once, unchanged after.
    const create = () =>
      piped(
        kubectl('create', 'namespace', 'argocd', '--dry-run=client', '-o', 'yaml').stdout,
        'apply',
        '-f',
        '-',
      );
    expect(create().stdout).toBe('namespace/argocd created\n');
    expect(create()).toEqual({ code: 0, stdout: 'namespace/argocd unchanged\n', stderr: '' });
    expect(kubectl('apply', '-n', 'argocd', '-f', 'bare.yaml').code).toBe(0);
    expect(kubectl('get', 'sa', '-A', '-o', 'name').stdout).toBe(
      'serviceaccount/s\nserviceaccount/s\n',
    );
    expect(Object.keys(live().objects).filter((k) => k.startsWith('serviceaccount/'))).toEqual([
      'serviceaccount/default/s',
      'serviceaccount/argocd/s',
    ]);
  });
});

describe("the test worker's kubectl server (test/helpers/kubectl-server.ts)", () => {
  it('answers every call as the stand-in started alone: output, order of stdout and stderr, exit code, state', async () => {
    await using tmp = await tempDir();
    const files = {
      'ns.yaml': `${ns("it's")}---\n${cm('a', 'nope')}`,
      'crd.yaml': crd('widgets', 'Widget'),
      'w.yaml': widget('w', 'default'),
    };
    const alone = cluster(tmp, files);
    const served = cluster(tmp, files);
    const bin = tmp.dir('airgap-kube-bin-');
    writeFileSync(join(bin, 'kubectl'), kubectlClient(standins), { mode: 0o755 });
    const calls = [
      ['version'],
      ['apply', '-f', 'ns.yaml'],
      ['apply', '-f', 'ns.yaml'],
      ['diff', '-f', 'crd.yaml'],
      ['apply', '-f', 'crd.yaml', '-f', 'w.yaml'],
      ['wait', '--for=condition=Established', 'crd/widgets.example.io'],
      ['apply', '--server-side', '-f', 'w.yaml'],
      ['get', 'ns'],
      ['get', 'ns', 'default', 'nope'],
      ['create', 'namespace', 'made'],
      ['get', 'widgets', '-A'],
      ['get', 'deploy', 'nope'],
      ['get', 'cm', '-o', 'name', '-n', 'nope'],
      ['apply', '--bogus'],
      ['nothing'],
    ];
    for (const args of calls) {
      // Both streams into one pipe, as a bastion transcript has them.
      const viaServer = spawnSync(
        'sh',
        ['-c', `'${join(bin, 'kubectl')}' "$@" 2>&1`, 'sh', ...args],
        {
          cwd: served.work,
          env: { ...process.env, KUBECTL_STATE_DIR: served.state },
          encoding: 'utf8',
        },
      );
      const direct = spawnSync(
        'sh',
        ['-c', `'${process.execPath}' '${join(standins, 'kubectl')}' "$@" 2>&1`, 'sh', ...args],
        {
          cwd: alone.work,
          env: { ...process.env, KUBECTL_STATE_DIR: alone.state },
          encoding: 'utf8',
        },
      );
      expect({ args, out: viaServer.stdout, code: viaServer.status }).toEqual({
        args,
        out: direct.stdout,
        code: direct.status,
      });
    }
    // `-f -` reads the call's stdin, which only the stand-in started alone has.
    const viaServer = spawnSync(join(bin, 'kubectl'), ['apply', '-f', '-'], {
      cwd: served.work,
      env: { ...process.env, KUBECTL_STATE_DIR: served.state },
      encoding: 'utf8',
      input: cm('piped', 'default'),
    });
    expect(viaServer.stdout).toBe('configmap/piped created\n');
    expect(alone.piped(cm('piped', 'default'), 'apply', '-f', '-').stdout).toBe(
      'configmap/piped created\n',
    );
    expect(served.live()).toEqual(alone.live());
    expect(readFileSync(join(served.state, 'calls.log'), 'utf8')).toBe(
      readFileSync(join(alone.state, 'calls.log'), 'utf8'),
    );
  });
});
