import { describe, expect, it } from 'vitest';
import { defaultPlan } from '../../src/bundle/default-plan.js';
import type { ManifestObject } from '../../src/bundle/manifest-objects.js';
import type { BundleFile } from '../../src/model/record.js';
import { unsetNamespaceText } from '../../src/model/unset-namespaces.js';
import { wrapText } from '../../src/util/format.js';

const file = (path: string): BundleFile => ({ path, size: 1, mode: '100644', sha256: 'x' });
const obj = (
  kind: string,
  name: string,
  namespace?: string,
  apiVersion = 'v1',
): ManifestObject => ({
  kind,
  apiVersion,
  name,
  ...(namespace ? { namespace } : {}),
});
const crd = (defines: string, cluster = false): ManifestObject => ({
  ...obj('CustomResourceDefinition', defines, undefined, 'apiextensions.k8s.io/v1'),
  defines,
  ...(cluster ? { definesClusterScoped: true as const } : {}),
});

// Argo CD's install.yaml: CRDs, cluster RBAC and namespaced objects without a namespace.
const install: ManifestObject[] = [
  crd('argoproj.io/Application'),
  obj('ServiceAccount', 'argocd-server'),
  obj('ClusterRole', 'argocd-server', undefined, 'rbac.authorization.k8s.io/v1'),
  {
    ...obj('ClusterRoleBinding', 'argocd-server', undefined, 'rbac.authorization.k8s.io/v1'),
    refersTo: ['argocd'],
    refersToObjects: ['ServiceAccount argocd/argocd-server'],
  },
  obj('ConfigMap', 'argocd-cm'),
  obj('Deployment', 'argocd-server', undefined, 'apps/v1'),
];
const runs = (plan: { steps: Array<{ run: string }> }) => plan.steps.map((s) => s.run);

describe('the default plan with the spec’s namespace', () => {
  it('creates the namespace first, then dry-runs, previews and applies the file with -n', () => {
    const manifests = new Map([['k8s/argocd/install.yaml', install]]);
    const plan = defaultPlan(['k8s/**'], [file('k8s/argocd/install.yaml')], manifests, 'argocd');
    expect(runs(plan)).toEqual([
      'kubectl create namespace argocd --dry-run=client -o yaml | kubectl apply -f -',
      'kubectl apply --dry-run=server --server-side --field-manager=airgap -n argocd -f k8s/argocd/install.yaml',
      'kubectl diff --server-side --field-manager=airgap -n argocd -f k8s/argocd/install.yaml',
      'kubectl apply --server-side --field-manager=airgap -n argocd -f k8s/argocd/install.yaml',
      'kubectl wait --for=condition=Established --timeout=120s crd/argoproj.io/Application',
    ]);
    expect(plan.steps[0]?.block).toBe('Create namespace argocd');
    expect(plan.notes).toEqual([]);
    // Without the key: as before, no -n and nothing created.
    expect(runs(defaultPlan(['k8s/**'], [file('k8s/argocd/install.yaml')], manifests))).toEqual(
      runs(plan)
        .slice(1)
        .map((r) => r.replace(' -n argocd', '')),
    );
  });

  it('does not create a namespace the bundle ships, and waits for its round', () => {
    const manifests = new Map([
      ['k8s/argocd/install.yaml', install.slice(1)],
      ['k8s/argocd/namespace.yaml', [obj('Namespace', 'argocd')]],
    ]);
    const files = [...manifests.keys()].sort().map(file);
    expect(runs(defaultPlan(['k8s/**'], files, manifests, 'argocd'))).toEqual([
      'kubectl apply --dry-run=server -f k8s/argocd/namespace.yaml',
      'kubectl diff -f k8s/argocd/namespace.yaml',
      'kubectl apply -f k8s/argocd/namespace.yaml',
      'kubectl apply --dry-run=server -n argocd -f k8s/argocd/install.yaml',
      'kubectl diff -n argocd -f k8s/argocd/install.yaml',
      'kubectl apply -n argocd -f k8s/argocd/install.yaml',
    ]);
  });

  it('gives -n only to files whose namespaced objects lack one, never beside another namespace', () => {
    const manifests = new Map<string, ManifestObject[]>([
      // All explicit, or all cluster-scoped (a Cluster CRD's kind included): no -n.
      ['k8s/a/explicit.yaml', [obj('ConfigMap', 'c', 'argocd'), obj('Service', 's', 'kafka')]],
      [
        'k8s/a/cluster.yaml',
        [crd('acme.io/Global', true), obj('PriorityClass', 'p', undefined, 'scheduling.k8s.io/v1')],
      ],
      ['k8s/a/global.yaml', [obj('Global', 'g', undefined, 'acme.io/v1')]],
      // Bare beside its own namespace: -n fits. Bare beside another: kubectl would refuse.
      ['k8s/b/same.yaml', [obj('ConfigMap', 'x', 'argocd'), obj('Secret', 'y')]],
      ['k8s/b/mixed.yaml', [obj('ConfigMap', 'x', 'kafka'), obj('Secret', 'y')]],
    ]);
    const files = [...manifests.keys()].sort().map(file);
    const plan = defaultPlan(['k8s/**'], files, manifests, 'argocd');
    const applies = runs(plan).filter((r) => /^kubectl apply -[-nf][^d]/.test(r));
    expect(applies.filter((r) => r.includes(' -n '))).toEqual([
      'kubectl apply -n argocd -f k8s/b/same.yaml',
    ]);
    // A folder is named whole only when -n goes to all of its files or none.
    expect(applies).toEqual([
      'kubectl apply --server-side --field-manager=airgap -f k8s/a/cluster.yaml',
      'kubectl apply --server-side --field-manager=airgap -f k8s/a',
      'kubectl apply -f k8s/b/mixed.yaml',
      'kubectl apply -n argocd -f k8s/b/same.yaml',
    ]);
    expect(plan.notes).toEqual([
      "k8s/b/mixed.yaml: applied without -n argocd: it holds objects of namespace kafka; its 1 namespaced object(s) without a namespace go to the context's namespace",
    ]);
  });

  it('without the key, names each file whose namespaced objects lack one, and the namespace its bindings name', () => {
    const manifests = new Map<string, ManifestObject[]>([
      ['k8s/argocd/install.yaml', install],
      // Quiet: all explicit, all cluster-scoped, a Namespace.
      ['k8s/argocd/namespace.yaml', [obj('Namespace', 'argocd')]],
      ['k8s/other/explicit.yaml', [obj('ConfigMap', 'c', 'kafka'), obj('Service', 's', 'kafka')]],
      ['k8s/other/cluster.yaml', [obj('PriorityClass', 'p', undefined, 'scheduling.k8s.io/v1')]],
      // No binding of its own: the bundle's binding names argocd.
      ['k8s/other/bare.yaml', [obj('Secret', 'a'), obj('Secret', 'b', 'kafka')]],
    ]);
    const files = [...manifests.keys()].sort().map(file);
    const plan = defaultPlan(['k8s/**'], files, manifests);
    expect(plan.unsetNamespaces).toEqual([
      { file: 'k8s/argocd/install.yaml', objects: 3, named: ['argocd'] },
      { file: 'k8s/other/bare.yaml', objects: 1, named: ['argocd'] },
    ]);
    const text = unsetNamespaceText(plan.unsetNamespaces![0]!);
    expect(text).toBe(
      'k8s/argocd/install.yaml: 3 namespaced object(s) without a namespace go to the current namespace (default); its bindings name argocd: set `namespace: argocd` in the spec',
    );
    const lines = wrapText('- ', '  ', text);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines.join(' ').replace(/ {3}/g, ' ')).toBe(`- ${text}`);
    // With the key nothing is said: those files get -n.
    expect(defaultPlan(['k8s/**'], files, manifests, 'argocd').unsetNamespaces).toBeUndefined();
  });

  it('with a key other than the namespace its bindings name its own ServiceAccounts in, says so', () => {
    const manifests = new Map<string, ManifestObject[]>([
      ['k8s/argocd/install.yaml', install],
      // Binds another install's ServiceAccount: no object of its own is named, quiet.
      [
        'k8s/other/grant.yaml',
        [
          obj('Role', 'read', undefined, 'rbac.authorization.k8s.io/v1'),
          {
            ...obj('RoleBinding', 'read', undefined, 'rbac.authorization.k8s.io/v1'),
            refersTo: ['monitoring'],
            refersToObjects: ['ServiceAccount monitoring/prometheus'],
          },
        ],
      ],
    ]);
    const files = [...manifests.keys()].sort().map(file);
    const plan = defaultPlan(['k8s/**'], files, manifests, 'gitops');
    expect(plan.unsetNamespaces).toEqual([
      { file: 'k8s/argocd/install.yaml', objects: 3, named: ['argocd'], into: 'gitops' },
    ]);
    expect(unsetNamespaceText(plan.unsetNamespaces![0]!)).toBe(
      'k8s/argocd/install.yaml: its bindings name argocd but its objects go to gitops (spec `namespace:`): edit the subjects or set `namespace: argocd`',
    );
    // The namespace its bindings name: quiet.
    expect(defaultPlan(['k8s/**'], files, manifests, 'argocd').unsetNamespaces).toBeUndefined();
  });
});
