import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AirgapError } from '../../src/errors.js';
import { resumableUpload } from '../../src/transfer/multipart.js';
import { isTransient } from '../../src/transfer/multipart-calls.js';
import { fakeBundleDir } from '../helpers/fake-bundle.js';
import { type TempDir, tempDir } from '../helpers/fixtures.js';

const MiB = 1024 * 1024;
const KEY = 'bundles/dev/resume-1234567.tar.gz';
const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

function input(
  scratch: TempDir,
  size: number,
  extra: Partial<Parameters<typeof resumableUpload>[0]> = {},
) {
  const bundle = fakeBundleDir(scratch, size, 'resume-1234567');
  return {
    bundle,
    input: {
      client: new S3Client({
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      }),
      bucket: 'acme-airgap',
      key: KEY,
      archivePath: join(bundle.dir, 'resume-1234567.tar.gz'),
      size,
      sha256: bundle.sha256,
      partSize: 8 * MiB,
      params: { ContentType: 'application/gzip' },
      partChecksums: true,
      statePath: join(bundle.dir, '.airgap-upload.json'),
      ...extra,
    },
  };
}

const part = (content: Buffer, n: number) => content.subarray((n - 1) * 8 * MiB, n * 8 * MiB);
const md5Etag = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;
const sha256b64 = (b: Buffer) => createHash('sha256').update(b).digest('base64');

describe('resumableUpload with a mocked S3', () => {
  it('resumes the newest unfinished upload of its key and aborts the stale ones', async () => {
    await using tmp = await tempDir();
    const { bundle, input: options } = input(tmp, 20 * MiB); // parts 1, 2 and a 4 MiB part 3
    s3.on(ListMultipartUploadsCommand).resolves({
      Uploads: [
        { Key: KEY, UploadId: 'old', Initiated: new Date('2026-01-01') },
        { Key: KEY, UploadId: 'newest', Initiated: new Date('2026-02-01') },
        { Key: `${KEY}.other`, UploadId: 'not-ours', Initiated: new Date('2026-03-01') },
      ],
    });
    s3.on(ListPartsCommand, { UploadId: 'newest' }).resolves({
      Parts: [
        // Part 1 is the local bytes (by ETag), part 2 is not (another archive's bytes).
        { PartNumber: 1, ETag: md5Etag(part(bundle.content, 1)), Size: 8 * MiB },
        { PartNumber: 2, ETag: '"ffff"', ChecksumSHA256: 'bm9wZQ==', Size: 8 * MiB },
      ],
    });
    s3.on(UploadPartCommand).callsFake((i: { PartNumber: number }) => ({
      ETag: `"e${i.PartNumber}"`,
    }));
    s3.on(CompleteMultipartUploadCommand).resolves({});
    s3.on(AbortMultipartUploadCommand).resolves({});
    const result = await resumableUpload(options);
    expect(result).toEqual({ uploadId: 'newest', partsSent: 2, partsReused: 1, staleAborted: 1 });
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
    expect(
      s3.commandCalls(AbortMultipartUploadCommand).map((c) => c.args[0].input.UploadId),
    ).toEqual(['old']);
    const sent = s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(sent.map((p) => p.PartNumber).sort()).toEqual([2, 3]);
    expect(sent.find((p) => p.PartNumber === 3)?.ChecksumSHA256).toBe(
      sha256b64(bundle.content.subarray(16 * MiB)),
    );
    const completed = s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input;
    expect(completed.MultipartUpload?.Parts?.map((p) => [p.PartNumber, p.ETag])).toEqual([
      [1, md5Etag(part(bundle.content, 1))],
      [2, '"e2"'],
      [3, '"e3"'],
    ]);
  });

  it('accepts a part by its SHA-256 checksum when the ETag is not an MD5 (SSE-KMS)', async () => {
    await using tmp = await tempDir();
    const { bundle, input: options } = input(tmp, 16 * MiB);
    s3.on(ListMultipartUploadsCommand).resolves({ Uploads: [{ Key: KEY, UploadId: 'u' }] });
    s3.on(ListPartsCommand).resolves({
      Parts: [
        { PartNumber: 1, ETag: '"kms-etag"', ChecksumSHA256: sha256b64(part(bundle.content, 1)) },
      ],
    });
    s3.on(UploadPartCommand).resolves({ ETag: '"e2"' });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    const result = await resumableUpload(options);
    expect(result).toMatchObject({ partsSent: 1, partsReused: 1 });
  });

  it('aborts the upload on Ctrl-C, and never completes an altered archive', async () => {
    await using tmp = await tempDir();
    const { input: options } = input(tmp, 16 * MiB);
    s3.on(ListMultipartUploadsCommand).resolves({});
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u-1' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    const interrupt = new AbortController();
    s3.on(UploadPartCommand).callsFake(async () => {
      interrupt.abort(new Error('interrupted'));
      return { ETag: '"x"' };
    });
    const error = await resumableUpload({ ...options, signal: interrupt.signal }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AirgapError);
    expect((error as AirgapError).exitCode).toBe(130);
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input.UploadId).toBe('u-1');
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);

    s3.reset();
    s3.on(ListMultipartUploadsCommand).resolves({});
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u-2' });
    s3.on(UploadPartCommand).resolves({ ETag: '"x"' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    const altered = await resumableUpload({ ...options, sha256: '0'.repeat(64) }).catch(
      (e: unknown) => e,
    );
    expect((altered as AirgapError).exitCode).toBe(6);
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input.UploadId).toBe('u-2');
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });
});

describe('isTransient', () => {
  it('keeps parts for network failures and server errors, not for refusals', () => {
    expect(isTransient(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient({ $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isTransient({ $metadata: { httpStatusCode: 403 } })).toBe(false);
    expect(isTransient(new AirgapError('altered', { code: 'integrity' }))).toBe(false);
  });
});
