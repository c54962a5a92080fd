import { describe, expect, it } from 'vitest';
import { countMasks, Redactor, redactText } from '../../src/ingest/clean/redact.js';

function redactAll(text: string) {
  const redactor = new Redactor();
  const out: string[] = [];
  const emit = (line: string) => out.push(line);
  for (const line of text.split('\n')) redactor.push(line, emit);
  redactor.end(emit);
  return {
    out: out.join('\n'),
    counts: Object.fromEntries(redactor.counts),
    total: redactor.total,
  };
}

describe('Redactor', () => {
  it.each([
    [
      'AWS access key id',
      // Not AWS's documented AKIAIOSFODNN7EXAMPLE: a published stand-in is left as it is.
      'export AWS_ACCESS_KEY_ID=AKIAQ3RZ7NW2XKD5HT4M',
      'AKIAQ3RZ7NW2XKD5HT4M',
      'aws-access-token',
    ],
    [
      'AWS secret key',
      // Not AWS's documented …EXAMPLEKEY: a published stand-in is left as it is.
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYq8Rz2Lm5Tn0V',
      'wJalrXUtnFEMI',
      'aws-secret-access-key',
    ],
    [
      'session token in JSON',
      '"SessionToken": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ"',
      'IQoJb3JpZ2lu',
      'aws-session-token',
    ],
    [
      'bearer token',
      'Authorization: Bearer abcdef0123456789ghijkl',
      'abcdef0123456789',
      'authorization-bearer',
    ],
    [
      'JWT',
      'token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLXZhbHVl',
      'eyJhbGciOi',
      'jwt',
    ],
    [
      'password in a URL',
      'jdbc:postgresql://app:s3cr3t-pw@db.internal:5432/app',
      's3cr3t-pw',
      'url-password',
    ],
    [
      'password= pair',
      'connecting with user=kafka password=hunter2 ok',
      'hunter2',
      'password-assignment',
    ],
    [
      'inline private key',
      '-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA-----END RSA PRIVATE KEY-----',
      'MIIEow',
      'private-key',
    ],
  ])('%s', (_label, line, secret, kind) => {
    const { out, counts } = redactAll(line);
    expect(out).not.toContain(secret);
    expect(out).toContain(`«masked:${kind}»`);
    expect(counts[kind]).toBeGreaterThanOrEqual(1);
  });

  it('masks every line of a private key block and counts it once', () => {
    const { out, counts } = redactAll(
      'before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAAAAAAAAAA\n-----END OPENSSH PRIVATE KEY-----\nafter',
    );
    expect(out).toBe(
      'before\n«masked:private-key»\n«masked:private-key, continued»\n«masked:private-key, continued»\n«masked:private-key, continued»\nafter',
    );
    expect(counts['private-key']).toBe(1);
  });

  it('masks data values of a Secret as kubectl get secret -o yaml prints them', () => {
    const yaml = [
      'apiVersion: v1',
      'data:',
      '  password: aHVudGVyMg==',
      '  username: a2Fma2E=',
      'kind: Secret',
      'metadata:',
      '  name: kafka-user',
    ].join('\n');
    const { out, counts } = redactAll(yaml);
    expect(out).not.toContain('aHVudGVyMg==');
    expect(out).not.toContain('a2Fma2E=');
    expect(out).toContain('  name: kafka-user');
    expect(out).toContain('kind: Secret');
    expect(counts['kubernetes-secret-data']).toBe(2);
  });

  it('masks stringData values and leaves ordinary output alone', () => {
    const { out, total } = redactAll(
      'stringData:\n  token: plain-text-token\nmetadata:\n  name: x\nkafkatopic.kafka.strimzi.io/quote-requested created',
    );
    expect(out).not.toContain('plain-text-token');
    expect(out).toContain('kafkatopic.kafka.strimzi.io/quote-requested created');
    expect(total).toBe(1);
  });

  it('does not mask an already masked value again', () => {
    const once = redactAll('password=hunter2').out;
    const twice = redactAll(once);
    expect(twice.out).toBe(once);
    expect(twice.total).toBe(0);
  });

  it('masks nothing when disabled', () => {
    const redactor = new Redactor(false);
    const out: string[] = [];
    redactor.push('password=hunter2', (l) => out.push(l));
    redactor.end((l) => out.push(l));
    expect(out).toEqual(['password=hunter2']);
  });

  it('masks a command on its own and counts markers per rule', () => {
    const masked = redactText('docker login -u AWS -p s3cr3t-Passw0rd 1.dkr.ecr.io\necho ok');
    expect(masked).toBe(
      'docker login -u AWS -p «masked:registry-login-password» 1.dkr.ecr.io\necho ok',
    );
    const counts: Record<string, number> = {};
    expect(countMasks(`${masked} «masked:private-key, continued»`, counts)).toBe(1);
    expect(counts).toEqual({ 'registry-login-password': 1 });
  });
});
