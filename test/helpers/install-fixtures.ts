import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';

/**
 * Trees in the shapes public operator installs ship in (written here, not copied): a
 * monitoring stack with a `setup/` folder of a Namespace and CRDs, six of them over the
 * 262,144-byte annotation limit as JSON, and ~85 files of namespaced objects, some of them
 * `ConfigMapList`/`RoleList`/`RoleBindingList` files whose items name their namespace; an
 * operator whose CRD folder carries a kustomization.yaml; a 300-file tree.
 */
export type Tree = Record<string, string>;

export function writeTree(root: string, tree: Tree): void {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const doc = (object: unknown) => yaml.dump(object, { lineWidth: -1 });
const docs = (...objects: unknown[]) => objects.map(doc).join('---\n');

export const namespace = (name: string) =>
  doc({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/** A CRD whose schema has `fields` described properties: about 190 bytes of JSON each. */
export function crd(group: string, kind: string, fields: number): string {
  const plural = `${kind.toLowerCase()}s`;
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < fields; i++) {
    properties[`field${i}`] = {
      type: 'string',
      description: `Field ${i} of the ${kind} specification: what the operator reconciles for it, written out at length as generated schemas are.`,
    };
  }
  return doc({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties } },
            },
          },
        },
      ],
    },
  });
}

const deployment = (name: string, ns: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { serviceAccountName: name, containers: [{ name, image }] },
    },
  },
});
const service = (name: string, ns: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { selector: { app: name }, ports: [{ port: 8080 }] },
});
const serviceAccount = (name: string, ns: string) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns },
});
const configMap = (name: string, ns: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data: { 'config.yaml': `name: ${name}\nlevel: info\n` },
});
const list = (kind: string, items: unknown[]) => doc({ apiVersion: 'v1', kind, items });

const REGISTRY = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
const MON = 'monitoring.example.io';

/** kube-prometheus' shape: setup/ (Namespace, CRDs) and a flat folder of everything else. */
export function monitoringStack(): Tree {
  const tree: Tree = { 'monitoring/setup/0namespace-namespace.yaml': namespace('monitoring') };
  const kinds = [
    'Alertmanager',
    'PodMonitor',
    'Probe',
    'Prometheus',
    'PrometheusRule',
    'ServiceMonitor',
    'ThanosRuler',
    'ScrapeConfig',
    'AlertmanagerConfig',
    'PrometheusAgent',
  ];
  kinds.forEach((kind, i) => {
    // Six over the limit (1,500 fields is about 290 KB of JSON), four small.
    tree[`monitoring/setup/0${kind.toLowerCase()}CustomResourceDefinition.yaml`] = crd(
      MON,
      kind,
      i < 6 ? 1500 : 20,
    );
  });
  const components = [
    'alertmanager',
    'blackbox-exporter',
    'grafana',
    'kube-state-metrics',
    'node-exporter',
    'prometheus-adapter',
    'prometheus-operator',
    'prometheus',
  ];
  for (const c of components) {
    tree[`monitoring/${c}-serviceAccount.yaml`] = doc(serviceAccount(c, 'monitoring'));
    tree[`monitoring/${c}-service.yaml`] = doc(service(c, 'monitoring'));
    tree[`monitoring/${c}-deployment.yaml`] = doc(
      deployment(c, 'monitoring', `${REGISTRY}/monitoring/${c}:v1.0.0`),
    );
    tree[`monitoring/${c}-clusterRole.yaml`] = doc({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: c },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
    });
    tree[`monitoring/${c}-clusterRoleBinding.yaml`] = doc({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: c },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: c },
      subjects: [{ kind: 'ServiceAccount', name: c, namespace: 'monitoring' }],
    });
    tree[`monitoring/${c}-serviceMonitor.yaml`] = doc({
      apiVersion: `${MON}/v1`,
      kind: 'ServiceMonitor',
      metadata: { name: c, namespace: 'monitoring' },
      spec: { selector: { matchLabels: { app: c } } },
    });
    tree[`monitoring/${c}-prometheusRule.yaml`] = doc({
      apiVersion: `${MON}/v1`,
      kind: 'PrometheusRule',
      metadata: { name: c, namespace: 'monitoring' },
      spec: { groups: [{ name: c, rules: [] }] },
    });
    tree[`monitoring/${c}-networkPolicy.yaml`] = doc({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: c, namespace: 'monitoring' },
      spec: { podSelector: { matchLabels: { app: c } } },
    });
    tree[`monitoring/${c}-podDisruptionBudget.yaml`] = doc({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: c, namespace: 'monitoring' },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: c } } },
    });
  }
  tree['monitoring/prometheus-prometheus.yaml'] = doc({
    apiVersion: `${MON}/v1`,
    kind: 'Prometheus',
    metadata: { name: 'k8s', namespace: 'monitoring' },
    spec: { replicas: 2 },
  });
  tree['monitoring/alertmanager-alertmanager.yaml'] = doc({
    apiVersion: `${MON}/v1`,
    kind: 'Alertmanager',
    metadata: { name: 'main', namespace: 'monitoring' },
    spec: { replicas: 3 },
  });
  // What `kubectl get -o yaml` writes: Lists whose items carry their own namespace.
  tree['monitoring/grafana-dashboardDefinitions.yaml'] = list(
    'ConfigMapList',
    Array.from({ length: 8 }, (_, i) => configMap(`grafana-dashboard-${i}`, 'monitoring')),
  );
  tree['monitoring/prometheus-roleSpecificNamespaces.yaml'] = list(
    'RoleList',
    ['default', 'kube-system', 'monitoring'].map((ns) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'prometheus-k8s', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }],
    })),
  );
  tree['monitoring/prometheus-roleBindingSpecificNamespaces.yaml'] = list(
    'RoleBindingList',
    ['default', 'kube-system', 'monitoring'].map((ns) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'prometheus-k8s', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'prometheus-k8s' },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }],
    })),
  );
  return tree;
}

/** An operator whose CRD folder carries a kustomization.yaml beside the CRDs (one 340 KB). */
export function operatorWithKustomizedCrds(): Tree {
  const group = 'queue.example.io';
  return {
    'operator/crds/kustomization.yaml': doc({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['queue-crd.yaml', 'topic-crd.yaml'],
    }),
    'operator/crds/queue-crd.yaml': crd(group, 'Queue', 1750),
    'operator/crds/topic-crd.yaml': crd(group, 'Topic', 10),
    'operator/install/010-namespace.yaml': namespace('queues'),
    'operator/install/020-operator.yaml': docs(
      serviceAccount('queue-operator', 'queues'),
      deployment('queue-operator', 'queues', `${REGISTRY}/queue/operator:2.1.0`),
    ),
    'operator/install/030-queue.yaml': docs(
      {
        apiVersion: `${group}/v1`,
        kind: 'Queue',
        metadata: { name: 'orders', namespace: 'queues' },
        spec: { field1: 'x' },
      },
      {
        apiVersion: `${group}/v1`,
        kind: 'Topic',
        metadata: { name: 'orders-created', namespace: 'queues' },
      },
    ),
  };
}

/** 300 files: a namespace and config spread over folders, as a large app repo ships them. */
export function largeTree(files = 300): Tree {
  const tree: Tree = { 'fleet/namespace.yaml': namespace('fleet') };
  for (let i = 1; i < files; i++) {
    const folder = `fleet/team-${String(i % 5).padStart(2, '0')}`;
    tree[`${folder}/service-${String(i).padStart(3, '0')}-config.yaml`] = doc(
      configMap(`service-${i}`, 'fleet'),
    );
  }
  return tree;
}

/**
 * Argo CD's manifests/install.yaml (v3.4.0) trimmed to one or two objects of each kind, in its
 * shapes: CRDs, RBAC, configuration, services and workloads in one file, and no
 * metadata.namespace on any namespaced object (its documented install is `kubectl apply -n
 * argocd`); only its ClusterRoleBindings name the namespace, in their subjects. Its images
 * are left out: external-images.test has those.
 */
export function argoCdInstall(): Tree {
  const labels = (name: string) =>
    `  labels:\n    app.kubernetes.io/name: ${name}\n    app.kubernetes.io/part-of: argocd\n`;
  const controller = 'argocd-application-controller';
  const docs = [
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  labels:\n    app.kubernetes.io/name: appprojects.argoproj.io\n    app.kubernetes.io/part-of: argocd\n  name: appprojects.argoproj.io\nspec:\n  group: argoproj.io\n  names:\n    kind: AppProject\n    listKind: AppProjectList\n    plural: appprojects\n    shortNames:\n    - appproj\n    - appprojs\n    singular: appproject\n  scope: Namespaced\n  versions:\n  - name: v1alpha1\n    schema:\n      openAPIV3Schema:\n        properties:\n          spec:\n            properties:\n              description:\n                type: string\n            type: object\n        required:\n        - metadata\n        - spec\n        type: object\n    served: true\n    storage: true\n`,
    `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n${labels(controller)}  name: ${controller}\n`,
    `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n${labels('argocd-server')}  name: argocd-server\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n${labels(controller)}  name: ${controller}\nrules:\n- apiGroups:\n  - ""\n  resources:\n  - secrets\n  - configmaps\n  verbs:\n  - get\n  - list\n  - watch\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n${labels(controller)}  name: ${controller}\nrules:\n- apiGroups:\n  - '*'\n  resources:\n  - '*'\n  verbs:\n  - '*'\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n${labels(controller)}  name: ${controller}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: ${controller}\nsubjects:\n- kind: ServiceAccount\n  name: ${controller}\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n${labels(controller)}  name: ${controller}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: ${controller}\nsubjects:\n- kind: ServiceAccount\n  name: ${controller}\n  namespace: argocd\n`,
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n${labels('argocd-cm')}  name: argocd-cm\n`,
    `apiVersion: v1\nkind: Service\nmetadata:\n${labels('argocd-server')}  name: argocd-server\nspec:\n  ports:\n  - name: https\n    port: 443\n    protocol: TCP\n    targetPort: 8080\n  selector:\n    app.kubernetes.io/name: argocd-server\n`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n${labels('argocd-server')}  name: argocd-server\nspec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: argocd-server\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: argocd-server\n    spec:\n      containers:\n      - args:\n        - /usr/local/bin/argocd-server\n        name: argocd-server\n      serviceAccountName: argocd-server\n`,
    `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n${labels(controller)}  name: ${controller}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${controller}\n  serviceName: ${controller}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: ${controller}\n    spec:\n      containers:\n      - args:\n        - /usr/local/bin/argocd-application-controller\n        name: ${controller}\n      serviceAccountName: ${controller}\n`,
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n${labels(controller)}  name: ${controller}-network-policy\nspec:\n  ingress:\n  - from:\n    - namespaceSelector: {}\n    ports:\n    - port: 8082\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: ${controller}\n  policyTypes:\n  - Ingress\n`,
  ];
  return { 'argocd/install.yaml': docs.join('---\n') };
}
