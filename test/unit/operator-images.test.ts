import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { scanManifest } from '../../src/bundle/manifests.js';
import {
  asImageReference,
  collectOperatorImages,
  isListKind,
} from '../../src/bundle/operator-images.js';

// A cluster-operator Deployment in Strimzi's install shape (env lists of `version=image`,
// `STRIMZI_DEFAULT_*_IMAGE`, an image under a name without "IMAGE"), written for this test.
const strimziOperator = `apiVersion: apps/v1
kind: Deployment
metadata: { name: strimzi-cluster-operator, namespace: kafka }
spec:
  template:
    spec:
      containers:
        - name: strimzi-cluster-operator
          image: quay.io/strimzi/operator:0.40.0
          args: [/opt/strimzi/bin/cluster_operator_run.sh]
          env:
            - name: STRIMZI_NAMESPACE
              valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
            - name: STRIMZI_FULL_RECONCILIATION_INTERVAL_MS
              value: "120000"
            - name: STRIMZI_KAFKA_IMAGES
              value: |
                3.6.0=quay.io/strimzi/kafka:0.40.0-kafka-3.6.0
                3.7.0=quay.io/strimzi/kafka:0.40.0-kafka-3.7.0
            - name: STRIMZI_DEFAULT_KAFKA_BRIDGE_IMAGE
              value: quay.io/strimzi/kafka-bridge:0.28.0
            - name: STRIMZI_DEFAULT_MAVEN_BUILDER
              value: quay.io/strimzi/maven-builder:0.40.0
            - name: STRIMZI_CUSTOM_RESOURCE_SELECTOR
              value: strimzi.io/kind=cluster
            - name: STRIMZI_KAFKA_BOOTSTRAP
              value: my-cluster-kafka-bootstrap.kafka.svc:9092
            - name: STRIMZI_FEATURE_GATES
              value: ""
`;

// prometheus-operator's args: a reloader image behind a flag, an image flag without a registry,
// and flags whose values look a little like references but are not images.
const prometheusOperator = `apiVersion: apps/v1
kind: Deployment
metadata: { name: prometheus-operator, namespace: monitoring }
spec:
  template:
    spec:
      containers:
        - name: prometheus-operator
          image: quay.io/prometheus-operator/prometheus-operator:v0.70.0
          args:
            - --kubelet-service=kube-system/kubelet
            - --prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.70.0
            - --config-reloader-image=jimmidyson/configmap-reload:v0.5.0
            - --web.listen-address=:8443
            - --prometheus-instance-selector=app.kubernetes.io/managed-by=airgap
            - --log-level=info
        - name: kube-rbac-proxy
          image: quay.io/brancz/kube-rbac-proxy:v0.15.0
          args: ["--upstream=http://127.0.0.1:8080/", "--secure-listen-address=:8443"]
`;

describe('operator images in env values and args', () => {
  it("finds Strimzi's version=image lists and default images, and nothing else", () => {
    expect(scanManifest('co.yaml', strimziOperator).images).toEqual([
      'quay.io/strimzi/kafka-bridge:0.28.0',
      'quay.io/strimzi/kafka:0.40.0-kafka-3.6.0',
      'quay.io/strimzi/kafka:0.40.0-kafka-3.7.0',
      'quay.io/strimzi/maven-builder:0.40.0',
      'quay.io/strimzi/operator:0.40.0',
    ]);
  });

  it("finds prometheus-operator's reloader args, and not its other flags", () => {
    expect(scanManifest('po.yaml', prometheusOperator).images).toEqual([
      'jimmidyson/configmap-reload:v0.5.0',
      'quay.io/brancz/kube-rbac-proxy:v0.15.0',
      'quay.io/prometheus-operator/prometheus-config-reloader:v0.70.0',
      'quay.io/prometheus-operator/prometheus-operator:v0.70.0',
    ]);
  });

  it('reads an image flag given as two args, StatefulSets, DaemonSets, CronJobs and List items', () => {
    const found = new Set<string>();
    const pod = (args: string[]) => ({
      spec: {
        containers: [{ name: 'c', args }],
        initContainers: [{ name: 'i', env: [{ name: 'SIDECAR_IMAGE', value: 'team/sidecar:2' }] }],
      },
    });
    collectOperatorImages(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            kind: 'StatefulSet',
            spec: { template: pod(['--init-image', 'registry.local:5000/init:1']) },
          },
          { kind: 'DaemonSet', spec: { template: pod(['--agent-image', 'team/agent:3']) } },
          {
            kind: 'CronJob',
            spec: {
              jobTemplate: {
                spec: { template: pod(['run', `ghcr.io/x/job@sha256:${'a'.repeat(64)}`]) },
              },
            },
          },
          // Not a workload: a ConfigMap's values are not read for images.
          { kind: 'ConfigMap', data: { IMAGE: 'quay.io/not/pulled:1' } },
        ],
      },
      found,
    );
    expect([...found].sort()).toEqual([
      `ghcr.io/x/job@sha256:${'a'.repeat(64)}`,
      'registry.local:5000/init:1',
      'team/agent:3',
      'team/sidecar:2',
    ]);
  });

  it('keeps what the walk of image: fields found, and adds only references', () => {
    const doc = yaml.load(strimziOperator) as Record<string, unknown>;
    const found = new Set<string>();
    collectOperatorImages(doc, found);
    expect(found.has('quay.io/strimzi/operator:0.40.0')).toBe(false);
    expect(found.size).toBe(4);
  });
});

describe('asImageReference', () => {
  it.each([
    ['quay.io/strimzi/kafka:0.40.0-kafka-3.7.0', false],
    ['localhost:5000/a/b:1', false],
    ['111122223333.dkr.ecr.us-east-1.amazonaws.com/edenhill/kcat:1.7.1', false],
    ['"quay.io/a:1"', false],
    ['team/app:1.0', true],
    ['busybox:1.36', true],
  ])('%s is an image (named: %s)', (text, named) => {
    expect(asImageReference(text, named)).toBe(text.replace(/"/g, ''));
  });
  it.each([
    ['team/app:1.0', false],
    ['kube-system/kubelet', false],
    ['kafka.svc:9092', false],
    ['quay.io/strimzi/kafka', false],
    ['quay.io/strimzi/kafka', true],
    ['http://prometheus:9090/', true],
    ['3.7.0', true],
    ['quay.io/UPPER/case:1', false],
    ['quay.io/a@sha256:short', false],
    ['', true],
  ])('%j is not an image (named: %s)', (text, named) => {
    expect(asImageReference(text, named)).toBeUndefined();
  });
});

describe('isListKind', () => {
  it('answers as /list$/i does, non-ASCII look-alikes included', () => {
    const kinds = [
      'List',
      'v1/List',
      'SecretList',
      'configmaplist',
      'LIST',
      'lisT',
      'list ',
      'Lis',
    ];
    // Dotless ı, İ, long ſ, the Kelvin sign, fullwidth letters: none is an ASCII letter to /i.
    kinds.push('lıst', 'lİst', 'liſt', 'ĺist', 'ｌｉｓｔ', 'Lis\u0074', 'Li\u017Ft', '', 'st');
    for (let c = 0; c < 0x250; c++)
      kinds.push(`Lis${String.fromCharCode(c)}`, `${String.fromCharCode(c)}ist`);
    for (const kind of kinds) expect(isListKind(kind), kind).toBe(/list$/i.test(kind));
    expect(isListKind(undefined)).toBe(false);
    expect(isListKind(7)).toBe(false);
  });
});
