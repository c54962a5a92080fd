/**
 * Manifests in the shapes public operator installs ship (kube-prometheus' Grafana and
 * Alertmanager Secrets, Strimzi's cluster-operator Deployment, prometheus-operator's args),
 * written here from their structure: no file of those projects is copied. Values are
 * synthetic; versions are parameters so tests can vary them.
 */

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Secrets an operator install ships that hold nothing secret, by repo path. */
export function harmlessSecrets(dir: string): Record<string, string> {
  return {
    [`${dir}/grafana-config.yaml`]: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  labels:',
      '    app.kubernetes.io/name: grafana',
      '  name: grafana-config',
      '  namespace: monitoring',
      'type: Opaque',
      'stringData:',
      '  grafana.ini: |',
      '    [date_formats]',
      '    default_timezone = UTC',
      '    [analytics]',
      '    reporting_enabled = false',
      '',
    ].join('\n'),
    [`${dir}/grafana-datasources.yaml`]: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: grafana-datasources',
      '  namespace: monitoring',
      'stringData:',
      '  datasources.yaml: |-',
      '    {',
      '        "apiVersion": 1,',
      '        "datasources": [',
      '            {',
      '                "access": "proxy",',
      '                "name": "prometheus",',
      '                "type": "prometheus",',
      '                "url": "http://prometheus-k8s.monitoring.svc:9090"',
      '            }',
      '        ]',
      '    }',
      '',
    ].join('\n'),
    [`${dir}/alertmanager-secret.yaml`]: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: alertmanager-main',
      '  namespace: monitoring',
      'type: Opaque',
      'data:',
      `  alertmanager.yaml: ${b64(alertmanagerConfig())}`,
      '',
    ].join('\n'),
    [`${dir}/scrape-config.yaml`]: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: additional-scrape-configs',
      '  namespace: monitoring',
      'stringData:',
      '  prometheus-additional.yaml: |',
      '    - job_name: kafka-exporter',
      '      static_configs:',
      '        - targets: ["kafka-exporter.kafka.svc:9308"]',
      '',
    ].join('\n'),
    // Filled in by the operator at run time: shipped empty.
    [`${dir}/operator-webhook-cert.yaml`]:
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: operator-webhook-cert\n  namespace: monitoring\n',
  };
}

function alertmanagerConfig(receiver = '"name": "Default"'): string {
  return [
    '"global":',
    '  "resolve_timeout": "5m"',
    '"route":',
    '  "group_by": ["namespace"]',
    '  "receiver": "Default"',
    '"receivers":',
    `- ${receiver}`,
    '',
  ].join('\n');
}

/**
 * Secrets that hold a credential, by path, each with the line a refusal must name: a
 * basic-auth password (base64), a Slack webhook inside Alertmanager's config, a Grafana admin
 * password inside grafana.ini.
 */
export function credentialSecrets(dir: string): Record<string, { text: string; line: number }> {
  return {
    [`${dir}/db-credentials.yaml`]: {
      text: [
        'apiVersion: v1',
        'kind: Secret',
        'metadata: { name: db-credentials, namespace: apps }',
        'type: kubernetes.io/basic-auth',
        'data:',
        `  username: ${b64('quotes')}`,
        `  password: ${b64('Qu0tes-db-2026!')}`,
        '',
      ].join('\n'),
      line: 7,
    },
    [`${dir}/alertmanager-slack.yaml`]: {
      text: [
        'apiVersion: v1',
        'kind: Secret',
        'metadata: { name: alertmanager-slack, namespace: monitoring }',
        'stringData:',
        '  alertmanager.yaml: |',
        '    global:',
        '      slack_api_url: https://hooks.slack.com/services/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',
        '    route: { receiver: slack }',
        '',
      ].join('\n'),
      line: 7,
    },
    [`${dir}/grafana-admin.yaml`]: {
      text: [
        'apiVersion: v1',
        'kind: Secret',
        'metadata: { name: grafana-admin, namespace: monitoring }',
        'stringData:',
        '  grafana.ini: |',
        '    [security]',
        '    admin_user = admin',
        '    admin_password = Gr4fana-Adm1n',
        '',
      ].join('\n'),
      line: 8,
    },
  };
}

/**
 * A Strimzi-style cluster-operator Deployment: its own image, `version=image` lists in
 * `STRIMZI_KAFKA_IMAGES`, `STRIMZI_DEFAULT_*_IMAGE` values, and env values that are not images.
 */
export function strimziOperator(operator = '0.45.0', kafka = ['3.8.0', '3.9.0']): string {
  const kafkaImage = (v: string) => `quay.io/strimzi/kafka:${operator}-kafka-${v}`;
  const list = kafka.map((v) => `                ${v}=${kafkaImage(v)}`).join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: strimzi-cluster-operator
  namespace: kafka
  labels: { app: strimzi }
spec:
  replicas: 1
  selector: { matchLabels: { name: strimzi-cluster-operator } }
  template:
    metadata: { labels: { name: strimzi-cluster-operator } }
    spec:
      serviceAccountName: strimzi-cluster-operator
      containers:
        - name: strimzi-cluster-operator
          image: quay.io/strimzi/operator:${operator}
          args: [/opt/strimzi/bin/cluster_operator_run.sh]
          env:
            - name: STRIMZI_NAMESPACE
              valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
            - name: STRIMZI_FULL_RECONCILIATION_INTERVAL_MS
              value: "120000"
            - name: STRIMZI_KAFKA_IMAGES
              value: |
${list}
            - name: STRIMZI_DEFAULT_KAFKA_EXPORTER_IMAGE
              value: ${kafkaImage(kafka.at(-1) ?? '')}
            - name: STRIMZI_DEFAULT_KAFKA_BRIDGE_IMAGE
              value: quay.io/strimzi/kafka-bridge:0.31.1
            - name: STRIMZI_LEADER_ELECTION_LEASE_NAME
              value: "strimzi-cluster-operator"
`;
}

/** The Namespaces the shapes above live in, as an install's setup folder creates them. */
export function namespaces(...names: string[]): string {
  return names
    .map((name) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`)
    .join('---\n');
}

/** A prometheus-operator Deployment naming its config reloader in an arg. */
export function prometheusOperator(version = 'v0.80.0'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: prometheus-operator
  namespace: monitoring
spec:
  selector: { matchLabels: { app.kubernetes.io/name: prometheus-operator } }
  template:
    metadata: { labels: { app.kubernetes.io/name: prometheus-operator } }
    spec:
      containers:
        - name: prometheus-operator
          image: quay.io/prometheus-operator/prometheus-operator:${version}
          args:
            - --kubelet-service=kube-system/kubelet
            - --prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:${version}
            - --web.listen-address=:8080
`;
}
