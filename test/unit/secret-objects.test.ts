import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { classifySecret, isPlaceholderValue } from '../../src/bundle/secret-objects.js';

/** Classifies the first document of `text`, as scanManifest does (object on line 1). */
function classify(text: string) {
  return classifySecret(yaml.load(text) as Record<string, unknown>, 1, text.split('\n'));
}

/** A shell-style variable reference, as a manifest template would leave it. */
const VAR = `$${'{'}DB_PASSWORD}`;

const b64 = (text: string) => Buffer.from(text).toString('base64');

// Shapes of Secrets that operator installs ship (kube-prometheus, Strimzi), written here.
const grafanaConfig = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: grafana-config',
  '  namespace: monitoring',
  'type: Opaque',
  'stringData:',
  '  grafana.ini: |',
  '    [date_formats]',
  '    default_timezone = UTC',
  '    [auth.anonymous]',
  '    enabled = false',
  '',
].join('\n');

const datasources = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata: { name: grafana-datasources, namespace: monitoring }',
  'stringData:',
  '  datasources.yaml: |-',
  '    {"apiVersion": 1, "datasources": [{"access": "proxy", "name": "prometheus",',
  '     "type": "prometheus", "url": "http://prometheus-k8s.monitoring.svc:9090"}]}',
  '',
].join('\n');

const alertmanager = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata: { name: alertmanager-main, namespace: monitoring }',
  'data:',
  `  alertmanager.yaml: ${b64('"global":\n  "resolve_timeout": "5m"\n"route":\n  "receiver": "Default"\n"receivers":\n- "name": "Default"\n')}`,
  '',
].join('\n');

describe('classifySecret: harmless Secrets ship with a warning naming them', () => {
  it.each([
    [
      'no data at all',
      'apiVersion: v1\nkind: Secret\nmetadata: { name: filled-by-operator }\n',
      'it has no data',
    ],
    [
      'a service-account token Secret (the controller fills it)',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: sa-token\n  annotations: { kubernetes.io/service-account.name: app }\ntype: kubernetes.io/service-account-token\n',
      'it has no data',
    ],
    [
      'empty maps',
      'apiVersion: v1\nkind: Secret\nmetadata: { name: e }\ndata: {}\nstringData: {}\n',
      'it has no data',
    ],
    ["Grafana's grafana.ini", grafanaConfig, 'no credential found in grafana.ini'],
    ['a datasource URL without a password', datasources, 'no credential found in datasources.yaml'],
    [
      'Alertmanager routing, base64 in data',
      alertmanager,
      'no credential found in alertmanager.yaml',
    ],
    [
      'UTF-8 text in data (not only ASCII)',
      `apiVersion: v1\nkind: Secret\nmetadata: { name: motd }\ndata:\n  motd.txt: ${b64('Grüße aus Zürich — déploiement\n')}\n`,
      'no credential found in motd.txt',
    ],
    [
      'a password field holding a placeholder',
      `apiVersion: v1\nkind: Secret\nmetadata: { name: p }\nstringData:\n  password: "${VAR}"\n  token: <set-on-the-cluster>\n  api-key: changeme\n`,
      'no credential found in password, token, api-key',
    ],
  ])('%s', (_label, text, message) => {
    const verdict = classify(text);
    expect(verdict.decision).toBe('warn');
    expect(verdict.message).toContain(message);
    expect(verdict.line).toBe(1);
  });

  it('names the Secret with its namespace', () => {
    expect(classify(grafanaConfig).message).toBe(
      'Secret monitoring/grafana-config ships: no credential found in grafana.ini',
    );
  });
});

describe('classifySecret: a Secret holding a credential is refused at its line', () => {
  it.each([
    [
      'a password field (basic-auth), base64',
      `apiVersion: v1\nkind: Secret\nmetadata: { name: db }\ntype: kubernetes.io/basic-auth\ndata:\n  username: ${b64('app')}\n  password: ${b64('hunter2')}\n`,
      7,
      'data.password is a password, token or key field',
    ],
    [
      'a TLS private key',
      `apiVersion: v1\nkind: Secret\nmetadata: { name: tls }\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')}\n  tls.key: ${b64('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n')}\n`,
      7,
      'data.tls.key is a password, token or key field',
    ],
    [
      'an admin password inside grafana.ini (the engine finds it)',
      grafanaConfig.replace(
        'enabled = false',
        'enabled = false\n    [security]\n    admin_password = Sup3rS3cret!',
      ),
      14,
      'stringData.grafana.ini holds a credential (password-assignment)',
    ],
    [
      'a Slack webhook in Alertmanager config',
      alertmanager.replace(
        /alertmanager\.yaml: .*/,
        `alertmanager.yaml: ${b64('global:\n  slack_api_url: https://hooks.slack.com/services/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\n')}`,
      ),
      5,
      'data.alertmanager.yaml holds a credential (slack-webhook-url)',
    ],
    [
      'a database URL with a password',
      'apiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData:\n  url: postgres://app:s3cr3t-pw@db.internal:5432/quotes\n',
      5,
      'stringData.url holds a credential (url-password)',
    ],
    [
      'a data value that is not base64 but holds a URL password',
      'apiVersion: v1\nkind: Secret\nmetadata: { name: raw }\ndata:\n  url: postgres://app:pl41n-pw@db:5432/q\n',
      5,
      'data.url holds a credential (url-password)',
    ],
    [
      'a binary key store',
      `apiVersion: v1\nkind: Secret\nmetadata: { name: ks }\ndata:\n  truststore: ${Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0x81, 0x92]).toString('base64')}\n`,
      5,
      'data.truststore is binary, which cannot be checked',
    ],
  ])('%s', (_label, text, line, message) => {
    const verdict = classify(text);
    expect(verdict.decision).toBe('refuse');
    expect(verdict.line).toBe(line);
    expect(verdict.message).toContain(message);
  });
});

describe('isPlaceholderValue', () => {
  it.each([
    '',
    '  ',
    VAR,
    '$(X)',
    '$DB_PASSWORD',
    '{{ .Values.pw }}',
    '<password>',
    '***',
    'xxxx',
    'changeme',
  ])('%j is a placeholder', (value) => expect(isPlaceholderValue(value)).toBe(true));
  it.each(['hunter2', 'admin', 'example-password-1', 'true-secret', 'changeme2024!'])(
    '%j is a value',
    (value) => expect(isPlaceholderValue(value)).toBe(false),
  );
});
