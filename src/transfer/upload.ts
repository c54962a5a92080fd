import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  S3Client,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { AirgapError, ExitCode } from '../errors.js';
import { archiveFormat } from '../model/archive-formats.js';
import { explainAwsError } from './aws-errors.js';
import { alteredError, type LoadedBundle } from './bundle-dir.js';
import { resumableUpload } from './multipart.js';
import { isTransient } from './multipart-calls.js';
import { UPLOAD_STATE_FILE } from './upload-state.js';

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
  return new S3Client({
    region: options.region,
    // The client's own profile, not AWS_PROFILE: a library must not change its caller's
    // environment (a later client in the same process would silently use the profile).
    profile: options.profile,
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
  /** Ctrl-C: aborts the multipart upload (S3 keeps nothing). */
  signal?: AbortSignal | undefined;
}

/** Parts sent in this run, parts resumed from an interrupted run, stale uploads aborted. */
export interface SendStats {
  partsSent: number;
  partsReused: number;
  staleAborted: number;
}

/**
 * Sends the archive to the target with its sha256 in the metadata, then its .sha256 sidecar.
 * Up to one part: one PutObject after checking the bytes. Larger: a multipart upload that
 * resumes an interrupted one (see resumableUpload). The bytes are hashed on the way; an
 * archive altered since `airgap bundle` is never completed.
 */
export async function sendArchive(
  client: S3Client,
  target: S3Target,
  bundle: LoadedBundle,
  options: SendOptions,
): Promise<SendStats> {
  const { record } = bundle;
  const encryption = {
    ...(options.sse ? { ServerSideEncryption: options.sse as ServerSideEncryption } : {}),
    ...(options.kmsKeyId ? { SSEKMSKeyId: options.kmsKeyId } : {}),
  };
  const params = {
    ContentType: archiveFormat(record.archive.format).contentType,
    Metadata: {
      sha256: bundle.sha256,
      'airgap-bundle': record.id,
      ...(record.commit ? { 'airgap-commit': record.commit } : {}),
    },
    ...encryption,
  };
  // AWS S3 checks the SHA-256 on arrival; other endpoints rely on the metadata and HeadObject.
  const checksums = !target.endpoint;
  let stats: SendStats = { partsSent: 1, partsReused: 0, staleAborted: 0 };
  try {
    if (bundle.size <= options.partSize) {
      // One request: read, check it is the archive airgap built, then send it.
      const body = await readFile(bundle.archivePath);
      const actual = createHash('sha256').update(body).digest('hex');
      if (actual !== bundle.sha256)
        throw alteredError(bundle.archivePath, bundle.sha256, bundle.sha256, actual);
      await client.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          Body: body,
          ContentLength: bundle.size,
          ContentMD5: createHash('md5').update(body).digest('base64'),
          ...params,
          ...(checksums ? { ChecksumAlgorithm: 'SHA256' as const } : {}),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      options.onProgress?.(bundle.size, bundle.size);
    } else {
      stats = await resumableUpload({
        client,
        bucket: target.bucket,
        key: target.key,
        archivePath: bundle.archivePath,
        size: bundle.size,
        sha256: bundle.sha256,
        partSize: options.partSize,
        params,
        partChecksums: checksums,
        statePath: join(dirname(bundle.archivePath), UPLOAD_STATE_FILE),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    }
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
    if (error instanceof AirgapError) throw error;
    const explained = explainAwsError(error, context(target, 's3:PutObject'));
    if (bundle.size > options.partSize && isTransient(error)) {
      throw new AirgapError(explained.message, {
        hint: 'run the same airgap upload again: it resumes with the parts already in S3',
        code: explained.exitCode === ExitCode.awsUnreachable ? 'awsUnreachable' : 'awsOther',
        cause: error,
      });
    }
    throw explained;
  }
  return stats;
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
