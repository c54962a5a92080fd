import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { upload } from '../../src/commands/upload/upload.js';
import { AirgapError } from '../../src/errors.js';
import { choosePartSize } from '../../src/transfer/upload.js';
import { fakeBundleDir } from '../helpers/fake-bundle.js';
import { tempDir } from '../helpers/fixtures.js';
import { s3Error } from '../helpers/s3-error.js';

describe('choosePartSize', () => {
  it.each([
    [1024, 8 * 1024 * 1024],
    [60 * 1024 * 1024, 8 * 1024 * 1024],
    [50 * 1024 ** 3, 6 * 1024 * 1024],
  ])('size %i gets parts that keep the count under 10,000', (size, minimum) => {
    const part = choosePartSize(size);
    expect(part).toBeGreaterThanOrEqual(minimum);
    expect(part % (1024 * 1024)).toBe(0);
    expect(Math.ceil(size / part)).toBeLessThan(10_000);
  });
  it('keeps 5 TB (the S3 limit) under 10,000 parts', () => {
    expect(Math.ceil((5 * 1024 ** 4) / choosePartSize(5 * 1024 ** 4))).toBeLessThanOrEqual(10_000);
  });
});

describe('upload with a mocked S3', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());
  const client = () =>
    new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

  it('skips an object that is already there with the same sha256', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 1000, 'same-1234567');
    s3.on(HeadObjectCommand).resolves({ ContentLength: 1000, Metadata: { sha256: bundle.sha256 } });
    const result = await upload({ bundleDir: bundle.dir, client: client() });
    expect(result.status).toBe('already-uploaded');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
  });

  it('refuses a different sha256 at the key without --force', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 1000, 'diff-1234567');
    s3.on(HeadObjectCommand).resolves({
      ContentLength: 1000,
      Metadata: { sha256: 'f'.repeat(64) },
    });
    const error = await upload({ bundleDir: bundle.dir, client: client() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AirgapError);
    expect((error as AirgapError).exitCode).toBe(7);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses a bundle dir whose record is of another format version, sending nothing', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 1000, 'future-1234567');
    const recordFile = join(bundle.dir, 'bundle.json');
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(recordFile, JSON.stringify({ ...record, format: 'airgap-bundle/2' }));
    const error = await upload({ bundleDir: bundle.dir, client: client() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AirgapError);
    expect((error as AirgapError).message).toBe(
      `${recordFile}: bundle record has format airgap-bundle/2; this airgap reads airgap-bundle/1`,
    );
    expect((error as AirgapError).exitCode).toBe(6);
    expect(s3.calls()).toHaveLength(0);
  });

  it('sends the sha256 as metadata and as the S3 checksum, plus the sidecar', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 1000, 'meta-1234567');
    let stored: Record<string, string> | undefined;
    s3.on(HeadObjectCommand)
      .rejectsOnce(s3Error('NotFound', 404))
      .callsFake(() => ({ ContentLength: 1000, Metadata: stored }));
    s3.on(PutObjectCommand).callsFake((input: { Metadata?: Record<string, string> }) => {
      if (input.Metadata) stored = input.Metadata;
      return {};
    });
    const result = await upload({
      bundleDir: bundle.dir,
      client: client(),
      sse: 'aws:kms',
      kmsKeyId: 'alias/airgap',
    });
    expect(result.status).toBe('uploaded');
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts[0]).toMatchObject({
      Bucket: 'acme-airgap',
      Key: 'bundles/dev/meta-1234567.tar.gz',
      Metadata: { sha256: bundle.sha256, 'airgap-bundle': 'meta-1234567' },
      ChecksumAlgorithm: 'SHA256',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'alias/airgap',
    });
    expect(puts[1]).toMatchObject({ Key: 'bundles/dev/meta-1234567.tar.gz.sha256' });
  });

  it('aborts the multipart upload when a part fails for good', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 17 * 1024 * 1024, 'abort-1234567');
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u-1' });
    s3.on(UploadPartCommand).rejects(s3Error('AccessDenied', 403));
    s3.on(AbortMultipartUploadCommand).resolves({});
    const error = await upload({ bundleDir: bundle.dir, client: client() }).catch(
      (e: unknown) => e,
    );
    expect((error as AirgapError).exitCode).toBe(11);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input).toMatchObject({
      UploadId: 'u-1',
    });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('refuses when HeadObject after upload disagrees', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 1000, 'mismatch-1234567');
    s3.on(HeadObjectCommand)
      .rejectsOnce(s3Error('NotFound', 404))
      .resolves({ ContentLength: 999, Metadata: {} });
    s3.on(PutObjectCommand).resolves({});
    const error = await upload({ bundleDir: bundle.dir, client: client() }).catch(
      (e: unknown) => e,
    );
    expect((error as AirgapError).exitCode).toBe(6);
  });
});
