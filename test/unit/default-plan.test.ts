import { describe, expect, it } from 'vitest';
import { defaultSteps, kindRank, orderManifests } from '../../src/bundle/default-plan.js';
import type { ManifestObject } from '../../src/bundle/manifests.js';
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
  it('keeps the order of the files globs and applies by kind within each', () => {
    expect(orderManifests(globs, files, manifests).map((m) => m.path)).toEqual([
      'k8s/base/ns.yaml',
      'k8s/base/crd.yaml',
      'k8s/base/widget.yaml',
      'k8s/app/cm.yaml',
      'k8s/app/svc.yaml',
      'k8s/app/deploy.yaml',
      'k8s/app/job.yaml',
    ]);
  });

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

  it('dry-runs and previews what needs the bundle’s own namespace or CRD only after applying it', () => {
    const steps = defaultSteps(globs, files, manifests);
    expect(steps.map((s) => `${s.kind ?? 'step'}: ${s.run}`)).toEqual([
      'step: kubectl apply --dry-run=server -f k8s/base/ns.yaml -f k8s/base/crd.yaml -f k8s/app/svc.yaml',
      'preview: kubectl diff -f k8s/base/ns.yaml -f k8s/base/crd.yaml -f k8s/app/svc.yaml',
      'step: kubectl apply -f k8s/base/ns.yaml',
      'step: kubectl apply -f k8s/base/crd.yaml',
      'step: kubectl apply --dry-run=server -f k8s/base/widget.yaml -f k8s/app/cm.yaml -f k8s/app/deploy.yaml -f k8s/app/job.yaml',
      'preview: kubectl diff -f k8s/base/widget.yaml -f k8s/app/cm.yaml -f k8s/app/deploy.yaml -f k8s/app/job.yaml',
      'step: kubectl apply -f k8s/base/widget.yaml',
      'step: kubectl apply -f k8s/app/cm.yaml',
      'step: kubectl apply -f k8s/app/svc.yaml',
      'step: kubectl apply -f k8s/app/deploy.yaml',
      'step: kubectl apply -f k8s/app/job.yaml',
    ]);
    expect(steps[0]?.name).toBe('Dry run 3 files');
  });

  it('one dry run and one preview for a bundle that needs nothing of itself', () => {
    const only = new Map([...manifests].filter(([p]) => p.endsWith('svc.yaml')));
    const steps = defaultSteps(
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
});
