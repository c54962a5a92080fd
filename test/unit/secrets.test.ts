import { describe, expect, it } from 'vitest';
import { findSecrets, maskSecrets, SecretMasker } from '../../src/secrets/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const GITHUB = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';

describe('findSecrets', () => {
  it('gives the rule, the offsets into the text and the 1-based line', () => {
    const text = `first line\nexport GITHUB_TOKEN=${GITHUB}\n`;
    const [finding, ...rest] = findSecrets(text);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'github-pat', line: 2 });
    expect(text.slice(finding?.start, finding?.end)).toBe(GITHUB);
  });

  it('finds nothing in ordinary airgap output', () => {
    const text = [
      '@@airgap/1 begin dev-topics-bf50f79 4 step 1770973200',
      '[2026-02-13T09:00:00Z ip-10-0-1-23] $ kubectl apply -f k8s/dev/topics/a.yaml',
      'kafkatopic.kafka.strimzi.io/quote-requested created',
      'secret/kafka-user configured',
      'NAME              CLUSTER                     PARTITIONS   REPLICATION FACTOR   READY',
      '  passwordSecret:',
      '    secretName: quote-svc',
      '@@airgap/1 end dev-topics-bf50f79 4 step rc=0 1770973201',
    ].join('\n');
    expect(findSecrets(text)).toEqual([]);
  });
});

describe('maskSecrets', () => {
  it('replaces each value by a marker naming its rule and counts values per rule', () => {
    const { text, counts } = maskSecrets(
      `GITHUB_TOKEN=${GITHUB}\npassword=hunter2hunter2\nDB_PASSWORD=abcdefgh1`,
    );
    expect(text).toBe(
      'GITHUB_TOKEN=«masked:github-pat»\npassword=«masked:password-assignment»\nDB_PASSWORD=«masked:password-assignment»',
    );
    expect(counts).toEqual({ 'github-pat': 1, 'password-assignment': 2 });
  });

  it('changes nothing in text it already masked', () => {
    const once = maskSecrets(`token: ${GITHUB}\nAuthorization: Bearer abcdefghijklmnop`).text;
    expect(maskSecrets(once)).toEqual({ text: once, counts: {} });
  });

  it('masks a value found once wherever it occurs later: as is, decoded, base64, URL-encoded', () => {
    const password = 'p@ss/w0rd+Zq9';
    const { text } = maskSecrets(
      [
        'data:',
        `  password: ${b64(password)}`,
        'kind: Secret',
        `log: connecting with ${password}`,
        `dsn: postgres://app@db/x?password=${encodeURIComponent(password)}`,
        `echo ${b64(`${password}\n`)} | base64 -d`,
      ].join('\n'),
    );
    expect(text).not.toContain(password);
    expect(text).not.toContain(b64(password));
    expect(text).not.toContain(encodeURIComponent(password));
    expect(text).not.toContain(b64(`${password}\n`));
    expect(text).toContain('log: connecting with «masked:kubernetes-secret-data»');
  });

  it('masks values the caller already knows', () => {
    const { text, counts } = maskSecrets(`a ${b64('s3cr3t-value')} b s3cr3t-value`, [
      's3cr3t-value',
    ]);
    expect(text).toBe('a «masked:known-value» b «masked:known-value»');
    expect(counts).toEqual({ 'known-value': 2 });
  });

  it('masks both halves of a known value cut at a line end, and counts it once', () => {
    const value = 'Zx8vQ2mN7pL4kR9tW3yB6cF1';
    const head = 'output padded to the width of the terminal here: ';
    const { text, counts } = maskSecrets(
      `api.token=${value}\n${head}${value.slice(0, 10)}\n${value.slice(10)} rest`,
    );
    expect(text.split('\n')).toEqual([
      'api.token=«masked:token-assignment»',
      `${head}«masked:token-assignment»`,
      '«masked:token-assignment, continued» rest',
    ]);
    expect(counts).toEqual({ 'token-assignment': 2 });
  });

  it('never masks an airgap marker, only what precedes it on its line', () => {
    const { text } = maskSecrets(
      [
        "[2026-02-13T09:01:00Z h] $ kubectl get secret s -o jsonpath='{.data.password}' | base64 -d",
        'Zx8vQ2mN7pL4kR9t@@airgap/1 end dev-topics-bf50f79 5 step rc=0 1770973301',
      ].join('\n'),
    );
    expect(text.split('\n')[1]).toBe(
      '«masked:kubernetes-secret-decoded»@@airgap/1 end dev-topics-bf50f79 5 step rc=0 1770973301',
    );
  });

  it('never masks digests, image references, ECR URIs, ARNs, uids, resourceVersions, commits, checksums', () => {
    const digest = `sha256:${'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'}`;
    const lines = [
      `image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/edenhill/kcat:1.7.1@${digest}`,
      `latest: digest: ${digest} size: 1570`,
      'secret: arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf',
      '"Arn": "arn:aws:sts::111122223333:assumed-role/ops/s"',
      '  uid: 6f1f4f57-2a8e-4c3e-9f0a-1b2c3d4e5f60',
      '  resourceVersion: "4711"',
      'token: 4711',
      'password:  8 bytes',
      'commit 40ba93a7c1d2e3f405162738495a6b7c8d9e0f11 bundle dev-topics-40ba93a',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  k8s/a.yaml',
      'registry: https://111122223333.dkr.ecr.us-east-1.amazonaws.com',
    ];
    expect(maskSecrets(lines.join('\n'))).toEqual({ text: lines.join('\n'), counts: {} });
  });
});

describe('the stateful rules', () => {
  const masked = (lines: string[]) => maskSecrets(lines.join('\n')).text.split('\n');

  it('ends a Secret data map at the first line indented no deeper than its key', () => {
    expect(masked(['  data:', '    a: QUJDRA==', '  kind: Secret', '    b: WFlaVw=='])).toEqual([
      '  data:',
      '    a: «masked:kubernetes-secret-data»',
      '  kind: Secret',
      '    b: WFlaVw==',
    ]);
  });

  it('leaves ConfigMap-like data values that are not base64', () => {
    expect(masked(['data:', '  mode: fast', '  retries: "3"'])).toEqual([
      'data:',
      '  mode: fast',
      '  retries: "3"',
    ]);
  });

  it('masks the lines of a stringData block scalar', () => {
    expect(
      masked(['stringData:', '  app.ini: |', '    [db]', '    x = y', 'type: Opaque']),
    ).toEqual([
      'stringData:',
      '  app.ini: |',
      '    «masked:kubernetes-secret-data»',
      '    «masked:kubernetes-secret-data»',
      'type: Opaque',
    ]);
  });

  it('masks a JSON data map until its closing brace', () => {
    expect(
      masked(['    "data": {', '        "a": "QUJDRA=="', '    },', '    "b": "WFlaVw=="']),
    ).toEqual([
      '    "data": {',
      '        "a": "«masked:kubernetes-secret-data»"',
      '    },',
      '    "b": "WFlaVw=="',
    ]);
  });

  it('masks decoded output until the next prompt, and the ECR password printed alone', () => {
    expect(
      masked([
        "$ kubectl get secret s -o jsonpath='{.data.password}' | base64 --decode",
        'hunter2-hunter2',
        'user@bastion:~$ aws ecr get-login-password --region us-east-1',
        'c29tZS1lY3ItcGFzc3dvcmQ',
        'user@bastion:~$ echo done',
        'done',
      ]),
    ).toEqual([
      "$ kubectl get secret s -o jsonpath='{.data.password}' | base64 --decode",
      '«masked:kubernetes-secret-decoded»',
      'user@bastion:~$ aws ecr get-login-password --region us-east-1',
      '«masked:ecr-login-password»',
      'user@bastion:~$ echo done',
      'done',
    ]);
  });
});

describe('SecretMasker', () => {
  it('emits each line once the next is seen, and the last at end()', () => {
    const masker = new SecretMasker();
    const out: string[] = [];
    masker.push('one', (l) => out.push(l));
    expect(out).toEqual([]);
    masker.push('password=abcdefgh', (l) => out.push(l));
    expect(out).toEqual(['one']);
    masker.end((l) => out.push(l));
    expect(out).toEqual(['one', 'password=«masked:password-assignment»']);
    expect(masker.total).toBe(1);
  });
});
