import { describe, expect, it } from 'vitest';
import { manifestObject } from '../../src/bundle/manifest-objects.js';
import { clusterKinds, namespaceUse } from '../../src/bundle/namespaces.js';

describe('what a manifest says of namespaces', () => {
  it('reads the namespaces bindings, webhooks and APIServices name, and a Cluster CRD', () => {
    const binding = manifestObject(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'b' },
        subjects: [
          { kind: 'ServiceAccount', name: 'a', namespace: 'argocd' },
          { kind: 'Group', name: 'system:masters' },
          { kind: 'ServiceAccount', name: 'c', namespace: 'argocd' },
        ],
      },
      false,
    );
    expect(binding?.refersTo).toEqual(['argocd']);
    expect(binding?.refersToObjects).toEqual([
      'ServiceAccount argocd/a',
      'ServiceAccount argocd/c',
    ]);
    const webhook = manifestObject(
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'w' },
        webhooks: [
          { name: 'x', clientConfig: { service: { name: 's', namespace: 'cert-manager' } } },
        ],
      },
      false,
    );
    expect(webhook?.refersTo).toEqual(['cert-manager']);
    expect(webhook?.refersToObjects).toEqual(['Service cert-manager/s']);
    const api = manifestObject(
      {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1beta1.metrics.k8s.io' },
        spec: { service: { name: 'metrics-server', namespace: 'kube-system' } },
      },
      false,
    );
    expect(api?.refersTo).toEqual(['kube-system']);
    expect(api?.refersToObjects).toEqual(['Service kube-system/metrics-server']);
    // A ConfigMap's data naming a namespace is no reference.
    expect(
      manifestObject(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { namespace: 'x' } },
        false,
      )?.refersTo,
    ).toBeUndefined();
    const crd = manifestObject(
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'clusterissuers.cert-manager.io' },
        spec: { group: 'cert-manager.io', scope: 'Cluster', names: { kind: 'ClusterIssuer' } },
      },
      false,
    );
    expect(crd).toMatchObject({
      defines: 'cert-manager.io/ClusterIssuer',
      definesClusterScoped: true,
    });
    const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', name: 'i' };
    const cluster = clusterKinds(new Map([['crds.yaml', [crd!]]]));
    // Its objects have no namespace to name: nothing to warn about.
    expect(namespaceUse([issuer], cluster).bare).toBe(0);
    expect(namespaceUse([issuer], clusterKinds(new Map())).bare).toBe(1);
  });

  it('names only namespaces a spec could set: a hostile subject namespace is not advice', () => {
    // Such text reached the warning, the runbook's quote (a newline ended it) and the advice
    // `set namespace: <it>`, which the spec schema refuses.
    const binding = manifestObject(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'b' },
        subjects: [
          { kind: 'ServiceAccount', name: 'a', namespace: 'argocd\n\n# injected' },
          { kind: 'ServiceAccount', name: 'b', namespace: '$(reboot)' },
          { kind: 'ServiceAccount', name: 'c', namespace: 'x'.repeat(64) },
          { kind: 'ServiceAccount', name: 'd', namespace: 'Argo' },
          { kind: 'ServiceAccount', name: 'e', namespace: 'kafka' },
        ],
      },
      false,
    );
    expect(binding?.refersTo).toEqual(['kafka']);
  });
});
