import { describe, expect, it } from 'vitest';
import { manifestRules, matchedValue } from '../../src/bundle/credential-rules.js';
import { builtinDetector, credentialDetector, runRules } from '../../src/bundle/credentials.js';
import { providerFindings } from '../../src/bundle/provider-findings.js';
import { rules as engineRules, findSecrets } from '../../src/secrets/index.js';
import { providerSamples } from '../helpers/secret-corpus.js';

const rules = (text: string) => builtinDetector.findSecrets(text).map((f) => `${f.line}:${f.rule}`);
const all = (text: string) =>
  credentialDetector.findSecrets(text).map((f) => `${f.line}:${f.rule}`);

describe('builtinDetector', () => {
  it('finds URL passwords, env credentials and credential keys with their lines', () => {
    // URL passwords are the shared engine's rule, which bundle runs too.
    expect(all('a: 1\nurl: mysql://u:pw12345@db/x\n')).toEqual(['2:url-password']);
    expect(rules('env:\n  - name: DB_PASSWORD\n    value: "s3cr3t!!"\n')).toContain(
      '2:env-credential',
    );
    expect(rules('apiKey: abcdef123456\n')).toEqual(['1:credential-key']);
  });

  // Each rule is skipped when none of its literals is in the file: every spelling still matches.
  it.each([
    ['-----BEGIN OPENSSH PRIVATE KEY-----', 'private-key'],
    ['id: AKIAIOSFODNN7EXAMPLE', 'aws-access-key-id'],
    ['key: ASIAIOSFODNN7EXAMPLE', 'aws-access-key-id'],
    ['AWS_SECRET_ACCESS_KEY = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws-secret-access-key'],
    ['  token: abcdefghijklmnopqrstu', 'kubeconfig-credential'],
    ['  client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVkt', 'kubeconfig-credential'],
    ['- name: STRIPE_API_KEY\n  value: "abcdef123"', 'env-credential'],
    ['- name: App_Secret\n  value: abcdef123', 'env-credential'],
    ['API-KEY: abcdef123456', 'credential-key'],
    ['client_secret: abcdef123456', 'credential-key'],
    ['Auth-Token: abcdef123456', 'credential-key'],
    ['ACCESS_TOKEN=abcdef123456', 'credential-key'],
    ['db_passwd: abcdef123456', 'credential-key'],
    ['.dockerconfigjson: eyJhdXRocyI6e319', 'docker-config'],
    ['{"auths": {"r.example": {"auth": "dXNlcjpwYXNz"}}}', 'docker-config'],
  ])('finds %j (%s)', (line, rule) => {
    expect(builtinDetector.findSecrets(`a: 1\n${line}\n`).map((f) => f.rule)).toContain(rule);
  });

  it('finds a URL password with the shared engine, in any letter case of the scheme', () => {
    expect(all('a: 1\nurl: AMQPS://user:Pw12345@mq/x\n')).toEqual(['2:url-password']);
  });

  it('refuses a default password (user or scheme repeated) that a runbook leaves readable', () => {
    // It may be the production database's real password: shipping it in a ConfigMap is refused
    // (allowSecrets opts out), while the runbook keeps it, as secretlint's sample URLs.
    const url = 'DB_URL: postgres://postgres:postgres@db.prod:5432/app';
    expect(all(`a: 1\n${url}\n`)).toEqual(['2:url-password']);
    expect(all('a: 1\nu: mysql%3A%2F%2Froot%3Aroot%40db%3A3306\n')).toEqual(['2:url-password']);
    expect(findSecrets(url)).toEqual([]);
  });

  it('leaves references and placeholders alone', () => {
    expect(all('url: postgres://u:\u0024{DB_PASSWORD}@db/x\n')).toEqual([]);
    expect(rules('passwordSecret:\n  secretName: kafka-user\n  password: password\n')).toEqual([]);
    expect(
      rules('- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: { name: s, key: k }\n'),
    ).toEqual([]);
    expect(rules('password: $(DB_PASSWORD)\n')).toEqual([]);
  });

  it('decodes base64 runs and whole base64 files', () => {
    const encoded = Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n').toString('base64');
    expect(rules(`binaryData:\n  key: ${encoded}\n`)).toEqual(['2:base64:private-key']);
    const file = Buffer.from('aws_access_key_id=ASIAIOSFODNN7EXAMPLE\n').toString('base64');
    expect(rules(`${file.slice(0, 20)}\n${file.slice(20)}\n`)).toContain(
      '1:base64:aws-access-key-id',
    );
  });
});

describe('base64-hidden credentials and non-ASCII text', () => {
  // The detector decodes runs that are over 95% printable; é is two bytes of 0x80 or more.
  const hidden = (accents: number) =>
    Buffer.from(
      `${'é'.repeat(accents)}aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`,
    ).toString('base64');
  it('still decodes a run with a few non-ASCII bytes', () => {
    expect(rules(`binaryData:\n  key: ${hidden(1)}\n`)).toContain('2:base64:aws-secret-access-key');
  });
  it('leaves runs that are mostly binary alone, as before', () => {
    expect(rules(`binaryData:\n  key: ${hidden(4)}\n`)).toEqual([]);
  });
});

describe('credentialDetector', () => {
  it('adds the shared engine’s provider rules to the manifest rules', () => {
    const configMap =
      'kind: ConfigMap\ndata:\n  SLACK: xoxb-384756102938-2938475610293-qZ7vRt2LmXw9KpD4sNh8YcJb\n';
    expect(builtinDetector.findSecrets(configMap)).toEqual([]);
    expect(credentialDetector.findSecrets(configMap).map((f) => `${f.line}:${f.rule}`)).toEqual([
      '3:slack-bot-token',
    ]);
  });

  it('leaves image references, digests and ARNs alone', () => {
    const text =
      'image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/quote@sha256:' +
      'a'.repeat(64) +
      '\nrole: arn:aws:iam::123456789012:role/app\n';
    expect(credentialDetector.findSecrets(text)).toEqual([]);
  });
});

describe('providerFindings (keyword lines only) against the shared engine (every line)', () => {
  const samples = providerSamples().map((sample) => sample.line);
  const providerIds = new Set(
    engineRules.filter((r) => r.source !== 'airgap' || r.bundle).map((r) => r.id),
  );
  /** What credentialDetector reported before: the engine's findings, provider rules only. */
  const engine = (text: string) => {
    const seen = new Set<string>();
    return findSecrets(text).flatMap((f) => {
      if (!providerIds.has(f.rule) || seen.has(f.rule)) return [];
      seen.add(f.rule);
      return [`${f.line}:${f.rule}`];
    });
  };
  const fast = (text: string) => providerFindings(text).map((f) => `${f.line}:${f.rule}`);
  const filler = [
    'apiVersion: v1',
    'kind: ConfigMap',
    '  key: "value with Ünïcödé and İstanbul"',
    '# a comment mentioning a token and a secret',
    '  password: ""',
    '',
    '\r',
  ];

  it('finds the same rules on the same lines in files of every sample', () => {
    let random = 17;
    const next = () => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random;
    };
    let compared = 0;
    for (let file = 0; file < 60; file++) {
      const lines: string[] = [];
      for (let i = 0; i < 40; i++) {
        const pick = next() % 3;
        lines.push(
          pick === 0
            ? (samples[next() % samples.length] ?? '')
            : (filler[next() % filler.length] ?? ''),
        );
      }
      const text = lines.join(file % 2 ? '\r\n' : '\n');
      const expected = engine(text);
      compared += expected.length;
      expect(fast(text), `file ${file}`).toEqual(expected);
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('finds each sample on its own', () => {
    for (const sample of samples)
      expect(fast(`a: b\n${sample}\n`)).toEqual(engine(`a: b\n${sample}\n`));
  });
});

describe('runRules (keyword lines found by an automaton) against every rule on the whole text', () => {
  /** What runRules did before: each rule whose keyword is anywhere in the lower-cased text. */
  const reference = (text: string) => {
    const lower = text.toLowerCase();
    const found: string[] = [];
    for (const rule of manifestRules) {
      if (!rule.keywords.some((k) => lower.includes(k))) continue;
      const pattern = new RegExp(rule.pattern.source, rule.pattern.flags);
      for (let m = pattern.exec(text); m; m = pattern.exec(text))
        if (!rule.validate || rule.validate(matchedValue(m), m)) {
          found.push(`${text.slice(0, m.index).split('\n').length}:${rule.id}`);
          break;
        }
    }
    return found;
  };
  const fast = (text: string) => runRules(text).map((f) => `${f.line}:${f.rule}`);
  const pieces = [
    'apiVersion: v1',
    'kind: ConfigMap',
    '  k: v1',
    '- name: DB_PASSWORD',
    '  value: "s3cr3tValue"',
    '    - name: App_Secret',
    '      value: abcdef123',
    'Auth-Token: abcdef123456',
    '  TOKEN: abcdefghijklmnopqrstuvwxyz',
    'id: AKIAIOSFODNN7ABCDEFG',
    'AWS_SECRET_ACCESS_KEY = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzKEY',
    '-----BEGIN RSA PRIVATE KEY-----',
    '.dockerconfigjson: eyJhdXRocyI6e319',
    '{"auths": {"r": {"auth": "dXNlcjpwYXNz"}}}',
    '  passwordSecret: { password: password }',
    '  İstanbul ﬁle \u212A: ünïcödé',
    '  \tapikey:\tabcdef123456',
    '',
    '\r',
  ];

  it('finds the same rules on the same lines', () => {
    let random = 29;
    const next = () => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random;
    };
    let found = 0;
    let none = 0;
    for (let file = 0; file < 400; file++) {
      const lines = Array.from({ length: 1 + (next() % 12) }, () => {
        const piece = pieces[next() % pieces.length] ?? '';
        // Upper-cased at random: the keywords are looked for case-insensitively.
        return next() % 4 === 0 ? piece.toUpperCase() : piece;
      });
      const text = lines.join(file % 3 ? '\n' : '\r\n');
      const expected = reference(text);
      if (expected.length) found++;
      else none++;
      expect(fast(text), JSON.stringify(text)).toEqual(expected);
    }
    expect(found).toBeGreaterThan(100);
    expect(none).toBeGreaterThan(20);
  });
});
