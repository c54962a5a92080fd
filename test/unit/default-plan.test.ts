import { describe, expect, it } from 'vitest';
import { defaultPlan, kindRank } from '../../src/bundle/default-plan.js';
import type { ManifestObject } from '../../src/bundle/manifest-objects.js';
import type { BundleFile } from '../../src/model/record.js';

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

const manifests = new Map<string, ManifestObject[]>([
  ['k8s/app/cm.yaml', [obj('ConfigMap', 'pay-config', 'payments')]],
  ['k8s/app/deploy.yaml', [obj('Deployment', 'pay', 'payments', 'apps/v1')]],
  ['k8s/app/job.yaml', [obj('Job', 'migrate', 'payments', 'batch/v1')]],
  ['k8s/app/svc.yaml', [obj('Service', 'quote', 'quotes')]],
  [
    'k8s/base/crd.yaml',
    [
      {
        ...obj('CustomResourceDefinition', 'widgets.acme.io', undefined, 'apiextensions.k8s.io/v1'),
        defines: 'acme.io/Widget',
      },
    ],
  ],
  ['k8s/base/ns.yaml', [obj('Namespace', 'payments')]],
  ['k8s/base/widget.yaml', [obj('Widget', 'w1', 'kafka', 'acme.io/v1')]],
]);
// Alphabetical, as git lists them; the spec names base before app.
const files = [...manifests.keys()].sort().map(file);
const globs = ['k8s/base/*.yaml', 'k8s/app/*.yaml'];

describe('the default plan', () => {
  it('ranks kinds as Helm and kapp do, unknown kinds with the workloads', () => {
    const kinds = ['Job', 'Deployment', 'Service', 'KafkaTopic', 'Kafka', 'ConfigMap', 'Role'];
    expect(
      [...kinds, 'CustomResourceDefinition', 'Namespace'].sort((a, b) => kindRank(a) - kindRank(b)),
    ).toEqual([
      'Namespace',
      'CustomResourceDefinition',
      'Role',
      'ConfigMap',
      'Kafka',
      'KafkaTopic',
      'Service',
      'Deployment',
      'Job',
    ]);
    expect(kindRank('SomethingNew')).toBe(kindRank('Deployment'));
  });

  it('applies the bundle’s Namespaces and CRDs (CRDs server-side), waits, then checks the rest', () => {
    const { steps, notes } = defaultPlan(globs, files, manifests);
    expect(steps.map((s) => `${s.kind ?? 'step'}: ${s.run}`)).toEqual([
      'step: kubectl apply --dry-run=server --server-side --field-manager=airgap -f k8s/base/crd.yaml',
      'step: kubectl apply --dry-run=server -f k8s/base/ns.yaml',
      'preview: kubectl diff -f k8s/base/ns.yaml',
      'step: kubectl apply --server-side --field-manager=airgap -f k8s/base/crd.yaml',
      'step: kubectl apply -f k8s/base/ns.yaml',
      'step: kubectl wait --for=condition=Established --timeout=120s crd/widgets.acme.io',
      // The base folder again, whole and server-side (as its CRD went): ns and crd unchanged.
      'step: kubectl apply --dry-run=server --server-side --field-manager=airgap -f k8s/base',
      'step: kubectl apply --dry-run=server -f k8s/app',
      'preview: kubectl diff --server-side --field-manager=airgap -f k8s/base',
      'preview: kubectl diff -f k8s/app',
      'step: kubectl apply --server-side --field-manager=airgap -f k8s/base',
      'step: kubectl apply -f k8s/app',
    ]);
    expect(steps[5]?.waitsFor).toEqual(['crd/widgets.acme.io']);
    expect(steps[0]?.why).toContain('CustomResourceDefinitions go server-side');
    expect(new Set(steps.map((s) => s.block)).size).toBe(4);
    expect(notes).toEqual([]);
  });

  it('one dry run and one preview for a bundle that needs nothing of itself', () => {
    const only = new Map([...manifests].filter(([p]) => p.endsWith('svc.yaml')));
    const { steps } = defaultPlan(
      globs,
      files.filter((f) => only.has(f.path)),
      only,
    );
    expect(steps.map((s) => s.name)).toEqual([
      'Dry run k8s/app/svc.yaml',
      'Preview k8s/app/svc.yaml',
      'Apply k8s/app/svc.yaml',
    ]);
  });

  it('applies a kustomization whose resources are all shipped with -k, and leaves out one that is not', () => {
    const crd = {
      ...obj('CustomResourceDefinition', 'widgets.acme.io', undefined, 'apiextensions.k8s.io/v1'),
      defines: 'acme.io/Widget',
    };
    const kustomization = (resources: string[]): ManifestObject => ({
      kind: 'Kustomization',
      apiVersion: '',
      name: '',
      kustomize: { resources },
    });
    const tree = new Map<string, ManifestObject[]>([
      ['crds/kustomization.yaml', [kustomization(['crd.yaml'])]],
      ['crds/crd.yaml', [crd]],
      ['partial/kustomization.yaml', [kustomization(['a.yaml', 'https://example.com/b.yaml'])]],
      ['partial/a.yaml', [obj('ConfigMap', 'a', 'kafka')]],
    ]);
    const { steps, notes } = defaultPlan(['**'], [...tree.keys()].sort().map(file), tree);
    const runs = steps.map((s) => s.run);
    expect(runs).toContain('kubectl apply --server-side --field-manager=airgap -k crds');
    expect(runs.join('\n')).not.toContain('kustomization.yaml');
    expect(runs).toContain('kubectl apply -f partial/a.yaml');
    expect(notes).toEqual([
      'partial/kustomization.yaml: not applied: kustomize runs only on a kustomization whose resources are all in the bundle (kubectl apply -k); its shipped resources are applied as files',
    ]);
  });

  it('names folders, goes server-side for an object over the annotation limit, and splits long commands', () => {
    const tree = new Map<string, ManifestObject[]>();
    for (let i = 0; i < 120; i++)
      tree.set(`apps/service-with-a-long-name-${i}/config-map.yaml`, [
        obj('ConfigMap', `c${i}`, 'kafka'),
      ]);
    tree.set('big/dashboards.yaml', [{ ...obj('ConfigMap', 'dash', 'kafka'), oversized: true }]);
    tree.set('big/small.yaml', [obj('ConfigMap', 'small', 'kafka')]);
    const { steps } = defaultPlan(['**'], [...tree.keys()].sort().map(file), tree);
    for (const s of steps) expect(s.run.length).toBeLessThanOrEqual(1024);
    const applies = steps.filter((s) => s.name.startsWith('Apply'));
    expect(applies[0]?.run).toBe('kubectl apply --server-side --field-manager=airgap -f big');
    expect(applies[0]?.why).toContain('ConfigMap dash is over the 262,144 bytes');
    expect(applies.length).toBeGreaterThan(2);
    expect(applies.slice(1).every((s) => s.run.startsWith('kubectl apply -f apps/'))).toBe(true);
  });
});
