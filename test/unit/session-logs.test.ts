import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  isPrefix,
  listLogObjects,
  openLogObject,
  parseS3Url,
} from '../../src/transfer/session-logs.js';
import { expectAirgapError } from '../helpers/errors.js';
import { s3Error } from '../helpers/s3-error.js';

const where = { region: 'eu-west-1', endpoint: undefined };

/** A client whose send answers from a list: a value or an error per call. */
function stubClient(answers: unknown[]): S3Client & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (command: { input: unknown }) => {
      sent.push(command.input);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as S3Client & { sent: unknown[] };
}

describe('S3 session log locations', () => {
  it('parses s3 URLs; a trailing slash or no key is a prefix', async () => {
    expect(parseS3Url('s3://logs/ssm/a.log')).toEqual({ bucket: 'logs', key: 'ssm/a.log' });
    expect(isPrefix(parseS3Url('s3://logs/ssm/'))).toBe(true);
    expect(isPrefix(parseS3Url('s3://logs'))).toBe(true);
    expect(isPrefix(parseS3Url('s3://logs/ssm/a.log'))).toBe(false);
    const bad = await expectAirgapError(Promise.resolve().then(() => parseS3Url('s3:///x')));
    expect(bad.exitCode).toBe(2);
  });

  it('lists every page, oldest first then by key, without folder objects', async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 26, 0, 0, s));
    const client = stubClient([
      {
        Contents: [
          { Key: 'ssm/c.log', LastModified: at(5), Size: 3 },
          { Key: 'ssm/', LastModified: at(0), Size: 0 },
        ],
        IsTruncated: true,
        NextContinuationToken: 't2',
      },
      {
        Contents: [
          { Key: 'ssm/b.log', LastModified: at(1), Size: 2 },
          { Key: 'ssm/a.log', LastModified: at(1), Size: 1 },
        ],
        IsTruncated: false,
      },
    ]);
    const objects = await listLogObjects(client, { bucket: 'logs', key: 'ssm/' }, where);
    expect(objects.map((o) => o.key)).toEqual(['ssm/a.log', 'ssm/b.log', 'ssm/c.log']);
    expect(client.sent).toEqual([
      { Bucket: 'logs', Prefix: 'ssm/' },
      { Bucket: 'logs', Prefix: 'ssm/', ContinuationToken: 't2' },
    ]);
  });

  it('explains a missing object, a denied read and a denied listing', async () => {
    const missing = await expectAirgapError(
      openLogObject(
        stubClient([s3Error('NoSuchKey', 404)]),
        parseS3Url('s3://logs/a/b.log'),
        where,
      ),
    );
    expect(missing.message).toBe('no such object: s3://logs/a/b.log');
    const denied = await expectAirgapError(
      openLogObject(
        stubClient([s3Error('AccessDenied', 403)]),
        parseS3Url('s3://logs/a/b.log'),
        where,
      ),
    );
    expect(denied.message).toBe('access denied: s3:GetObject on s3://logs/a/b.log');
    expect(denied.exitCode).toBe(11);
    const list = await expectAirgapError(
      listLogObjects(stubClient([s3Error('AccessDenied', 403)]), parseS3Url('s3://logs/a/'), where),
    );
    expect(list.message).toBe('access denied: s3:ListBucket on s3://logs/a/');
    expect(list.hint).toContain('s3:ListBucket');
  });
});
