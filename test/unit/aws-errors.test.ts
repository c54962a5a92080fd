import { describe, expect, it } from 'vitest';
import { explainAwsError } from '../../src/transfer/aws-errors.js';
import { s3Error } from '../helpers/s3-error.js';

const context = {
  action: 's3:PutObject',
  target: 's3://acme-airgap/bundles/dev/x.tar.gz',
  region: 'us-east-1',
};

describe('explainAwsError', () => {
  it.each([
    [
      'CredentialsProviderError',
      new Error('Could not load credentials from any providers'),
      10,
      'no AWS credentials',
    ],
    ['expired token', s3Error('ExpiredToken', 400), 10, 'session token has expired'],
    [
      'access denied',
      s3Error('AccessDenied', 403),
      11,
      'access denied: s3:PutObject on s3://acme-airgap',
    ],
    ['no such bucket', s3Error('NoSuchBucket', 404), 12, 'bucket does not exist: acme-airgap'],
    [
      'wrong region',
      s3Error('PermanentRedirect', 301, {
        $response: { headers: { 'x-amz-bucket-region': 'eu-west-1' } },
      }),
      13,
      'S3 says it is in eu-west-1',
    ],
    ['KMS denied', s3Error('KMS.AccessDeniedException', 403), 14, 'KMS denied the key'],
    [
      'unreachable',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      15,
      'cannot reach S3',
    ],
    ['anything else', s3Error('SlowDown', 503), 16, 'S3 failed'],
  ])('%s', (_label, error, code, text) => {
    const explained = explainAwsError(error, context);
    expect(explained.exitCode).toBe(code);
    expect(explained.message).toContain(text);
    expect(explained.hint).toBeTruthy();
    expect(explained.message).not.toContain('\n');
  });

  it('names the right region in the hint', () => {
    const explained = explainAwsError(
      s3Error('PermanentRedirect', 301, { Region: 'ap-southeast-2' }),
      context,
    );
    expect(explained.hint).toContain('--region ap-southeast-2');
  });
});
