import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
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
import { explainAwsError } from './aws-errors.js';
import { hashingGuard, type LoadedBundle } from './bundle-dir.js';

/** Where an archive goes, after the options have overridden the record's s3 section. */
export interface S3Target {
  bucket: string;
  key: string;
  region: string;
  endpoint: string | undefined;
}

export function s3Url(target: S3Target): string {
  return `s3://${target.bucket}/${target.key}`;
}

function context(target: S3Target, action: string): Parameters<typeof explainAwsError>[1] {
  return { action, target: s3Url(target), region: target.region, endpoint: target.endpoint };
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

/** The object at the target, or undefined when there is none; AWS errors explained. */
export async function findObject(
  client: S3Client,
  target: S3Target,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await client.send(new HeadObjectCommand({ Bucket: target.bucket, Key: target.key }));
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404)
      return undefined;
    throw explainAwsError(error, context(target, 's3:GetObject (HeadObject)'));
  }
}

export interface SendOptions {
  partSize: number;
  sse?: 'AES256' | 'aws:kms' | undefined;
  kmsKeyId?: string | undefined;
  onProgress?: ((sent: number, total: number) => void) | undefined;
}

/**
 * Streams the archive to the target (multipart, retried by the SDK) with its sha256 in the
 * metadata, then its .sha256 sidecar. The bytes are hashed on the way; an archive altered
 * since `airgap bundle` fails before the last part, so it is never completed.
 */
export async function sendArchive(
  client: S3Client,
  target: S3Target,
  bundle: LoadedBundle,
  options: SendOptions,
): Promise<void> {
  const { record } = bundle;
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
    partSize: options.partSize,
    queueSize: 4,
    leavePartsOnError: false,
    params: {
      Bucket: target.bucket,
      Key: target.key,
      Body: body,
      ContentLength: bundle.size,
      ContentType: archiveFormat(record.archive!.format).contentType,
      Metadata: {
        sha256: bundle.sha256,
        'airgap-bundle': record.id,
        'airgap-commit': record.commit,
      },
      // AWS S3 checks the SHA-256 on arrival; other endpoints rely on the metadata and HeadObject.
      ...(target.endpoint ? {} : { ChecksumAlgorithm: 'SHA256' as const }),
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
        Bucket: target.bucket,
        Key: `${target.key}.sha256`,
        Body: bundle.sidecar,
        ContentType: 'text/plain',
        ...encryption,
      }),
    );
  } catch (error) {
    body.destroy();
    if (altered) throw altered;
    if (error instanceof AirgapError) throw error;
    throw explainAwsError(error, context(target, 's3:PutObject'));
  }
}

/** True when the object at the target has the bundle's size and sha256 metadata. */
export function holdsBundle(
  object: HeadObjectCommandOutput | undefined,
  bundle: LoadedBundle,
): boolean {
  return object?.ContentLength === bundle.size && object.Metadata?.sha256 === bundle.sha256;
}

/** Reads the object back and re-hashes it. */
export async function verifyByDownload(
  client: S3Client,
  target: S3Target,
  expected: string,
): Promise<true> {
  const hash = createHash('sha256');
  try {
    const response = await client.send(
      new GetObjectCommand({ Bucket: target.bucket, Key: target.key }),
    );
    for await (const chunk of response.Body as Readable) hash.update(chunk as Buffer);
  } catch (error) {
    throw explainAwsError(error, context(target, 's3:GetObject'));
  }
  const actual = hash.digest('hex');
  if (actual !== expected) {
    throw new AirgapError(
      `${s3Url(target)} downloaded with sha256 ${actual}, expected ${expected}`,
      {
        hint: 'the stored object is corrupt: upload again with --force',
        code: 'integrity',
      },
    );
  }
  return true;
}
