import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  S3Client,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { AirgapError } from '../errors.js';
import { archiveFormat } from '../model/archive-formats.js';
import { s3Key } from '../model/record.js';
import { explainAwsError } from './aws-errors.js';
import { hashingGuard, loadBundleDir } from './bundle-dir.js';

export interface UploadOptions {
  bundleDir: string;
  bucket?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  profile?: string;
  sse?: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
  force?: boolean;
  verifyDownload?: boolean;
  onProgress?: (sent: number, total: number) => void;
  /** Injected in tests; built from the options otherwise. */
  client?: S3Client;
}

export interface UploadResult {
  status: 'uploaded' | 'already-uploaded';
  url: string;
  bucket: string;
  key: string;
  sha256: string;
  size: number;
  partSize: number;
  seconds: number;
  verifiedDownload: boolean;
}

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;

/** Parts of at least 8 MiB, and big enough that even 50 GB stays well under 10,000 parts. */
export function choosePartSize(size: number): number {
  const needed = Math.ceil(size / (MAX_PARTS * 0.9));
  return Math.max(8 * MiB, Math.ceil(needed / MiB) * MiB);
}

export function makeS3Client(options: {
  region: string;
  endpoint?: string | undefined;
  forcePathStyle?: boolean | undefined;
  profile?: string | undefined;
}): S3Client {
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  return new S3Client({
    region: options.region,
    maxAttempts: 5,
    retryMode: 'standard',
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          forcePathStyle: options.forcePathStyle ?? true,
          // S3-compatible servers often reject the SDK's default trailing checksums.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  });
}

async function headOrUndefined(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404)
      return undefined;
    throw error;
  }
}

export async function upload(options: UploadOptions): Promise<UploadResult> {
  const started = Date.now();
  const bundle = await loadBundleDir(resolve(options.bundleDir));
  const { record } = bundle;
  const bucket = options.bucket ?? record.s3.bucket;
  const prefix = options.prefix ?? record.s3.prefix;
  const region = options.region ?? record.s3.region;
  const endpoint = options.endpoint ?? record.s3.endpoint;
  const key = s3Key(prefix, record.archive!.file);
  const url = `s3://${bucket}/${key}`;
  const client =
    options.client ??
    makeS3Client({
      region,
      endpoint,
      forcePathStyle: options.forcePathStyle ?? record.s3.forcePathStyle,
      profile: options.profile,
    });
  const context = (action: string) => ({ action, target: url, region, endpoint });
  const partSize = choosePartSize(bundle.size);
  const result = (status: UploadResult['status'], verifiedDownload: boolean): UploadResult => ({
    status,
    url,
    bucket,
    key,
    sha256: bundle.sha256,
    size: bundle.size,
    partSize,
    seconds: (Date.now() - started) / 1000,
    verifiedDownload,
  });

  let existing: HeadObjectCommandOutput | undefined;
  try {
    existing = await headOrUndefined(client, bucket, key);
  } catch (error) {
    throw explainAwsError(error, context('s3:GetObject (HeadObject)'));
  }
  if (existing) {
    const theirs = existing.Metadata?.sha256;
    if (theirs === bundle.sha256 && existing.ContentLength === bundle.size) {
      const verified = options.verifyDownload
        ? await verifyByDownload(client, bucket, key, bundle.sha256, context)
        : false;
      return result('already-uploaded', verified);
    }
    if (!options.force) {
      throw new AirgapError(
        `${url} already holds a different object (sha256 ${theirs ?? 'unknown'})`,
        {
          hint: 'a bundle with this id may be mid-deployment; pass --force only if you are sure to replace it',
          code: 'conflict',
        },
      );
    }
  }

  const encryption = {
    ...(options.sse ? { ServerSideEncryption: options.sse as ServerSideEncryption } : {}),
    ...(options.kmsKeyId ? { SSEKMSKeyId: options.kmsKeyId } : {}),
  };
  let altered: AirgapError | undefined;
  const body: Readable = createReadStream(bundle.archivePath, { highWaterMark: MiB }).pipe(
    hashingGuard(bundle.sha256, bundle.archivePath, (error) => {
      // The SDK may re-wrap a body error; keep ours to report it as it is.
      altered = error;
    }),
  );
  const transfer = new Upload({
    client,
    partSize,
    queueSize: 4,
    leavePartsOnError: false,
    params: {
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentLength: bundle.size,
      ContentType: archiveFormat(record.archive!.format).contentType,
      Metadata: {
        sha256: bundle.sha256,
        'airgap-bundle': record.id,
        'airgap-commit': record.commit,
      },
      // AWS S3 checks the SHA-256 on arrival; other endpoints rely on the metadata and HeadObject.
      ...(endpoint ? {} : { ChecksumAlgorithm: 'SHA256' as const }),
      ...encryption,
    },
  });
  transfer.on('httpUploadProgress', (progress) =>
    options.onProgress?.(progress.loaded ?? 0, bundle.size),
  );
  try {
    await transfer.done();
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${key}.sha256`,
        Body: await readFile(bundle.sidecarPath),
        ContentType: 'text/plain',
        ...encryption,
      }),
    );
  } catch (error) {
    body.destroy();
    if (altered) throw altered;
    if (error instanceof AirgapError) throw error;
    throw explainAwsError(error, context('s3:PutObject'));
  }

  let after: HeadObjectCommandOutput | undefined;
  try {
    after = await headOrUndefined(client, bucket, key);
  } catch (error) {
    throw explainAwsError(error, context('s3:GetObject (HeadObject)'));
  }
  if (!after || after.ContentLength !== bundle.size || after.Metadata?.sha256 !== bundle.sha256) {
    throw new AirgapError(
      `${url} does not match after upload (size ${after?.ContentLength ?? 'none'}, sha256 ${after?.Metadata?.sha256 ?? 'none'})`,
      {
        hint: 'run the upload again; if it repeats, check the endpoint',
        code: 'integrity',
      },
    );
  }
  const verified = options.verifyDownload
    ? await verifyByDownload(client, bucket, key, bundle.sha256, context)
    : false;
  return result('uploaded', verified);
}

async function verifyByDownload(
  client: S3Client,
  bucket: string,
  key: string,
  expected: string,
  context: (action: string) => Parameters<typeof explainAwsError>[1],
): Promise<true> {
  const hash = createHash('sha256');
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    for await (const chunk of response.Body as Readable) hash.update(chunk as Buffer);
  } catch (error) {
    throw explainAwsError(error, context('s3:GetObject'));
  }
  const actual = hash.digest('hex');
  if (actual !== expected) {
    throw new AirgapError(
      `s3://${bucket}/${key} downloaded with sha256 ${actual}, expected ${expected}`,
      {
        hint: 'the stored object is corrupt: upload again with --force',
        code: 'integrity',
      },
    );
  }
  return true;
}
