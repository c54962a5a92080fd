import { describe, expect, it } from 'vitest';
import { builtinDetector } from '../../src/bundle/credentials.js';

const rules = (text: string) => builtinDetector.findSecrets(text).map((f) => `${f.line}:${f.rule}`);

describe('builtinDetector', () => {
  it('finds URL passwords, env credentials and credential keys with their lines', () => {
    expect(rules('a: 1\nurl: mysql://u:pw12345@db/x\n')).toEqual(['2:url-password']);
    expect(rules('env:\n  - name: DB_PASSWORD\n    value: "s3cr3t!!"\n')).toContain(
      '2:env-credential',
    );
    expect(rules('apiKey: abcdef123456\n')).toEqual(['1:credential-key']);
  });

  it('leaves references and placeholders alone', () => {
    expect(rules('url: postgres://u:\u0024{DB_PASSWORD}@db/x\n')).toEqual([]);
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
