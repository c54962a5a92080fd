import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  S3Client,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BundleRecord } from '../bundle/record.js';
import { s3Key } from '../bundle/record.js';
import { AirgapError } from '../errors.js';
import { explainAwsError } from './aws-errors.js';

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

interface LoadedBundle {
  record: BundleRecord;
  archivePath: string;
  sidecarPath: string;
  sha256: string;
  size: number;
}

/** Refuses a bundle dir that is incomplete or was altered after `airgap bundle`. */
export async function loadBundleDir(dir: string): Promise<LoadedBundle> {
  const recordPath = join(dir, 'bundle.json');
  if (!existsSync(dir)) {
    throw new AirgapError(`bundle directory not found: ${dir}`, {
      hint: 'pass the directory `airgap bundle` printed last',
      code: 'usage',
    });
  }
  if (!existsSync(recordPath)) {
    throw new AirgapError(`${dir} is not a bundle directory: bundle.json is missing`, {
      hint: 'copy the whole <bundle-id>/ directory that `airgap bundle` wrote',
      code: 'integrity',
    });
  }
  const record = JSON.parse(await readFile(recordPath, 'utf8')) as BundleRecord;
  if (!record.archive)
    throw new AirgapError(`${recordPath} has no archive section`, {
      hint: 'rebuild with airgap bundle',
      code: 'integrity',
    });
  const archivePath = join(dir, record.archive.file);
  const sidecarPath = `${archivePath}.sha256`;
  for (const path of [archivePath, sidecarPath]) {
    if (!existsSync(path)) {
      throw new AirgapError(`the bundle is incomplete: ${path} is missing`, {
        hint: 'copy the whole <bundle-id>/ directory that `airgap bundle` wrote',
        code: 'integrity',
      });
    }
  }
  const sidecar = (await readFile(sidecarPath, 'utf8')).trim().split(/\s+/)[0] ?? '';
  const size = (await stat(archivePath)).size;
  if (sidecar !== record.archive.sha256 || size !== record.archive.size) {
    throw alteredError(
      archivePath,
      record.archive.sha256,
      sidecar,
      `${size} bytes, expected ${record.archive.size}`,
    );
  }
  // The archive's own bytes are hashed while they are uploaded (see hashingGuard).
  return { record, archivePath, sidecarPath, sha256: sidecar, size };
}

function alteredError(
  archivePath: string,
  expected: string,
  sidecar: string,
  actual: string,
): AirgapError {
  return new AirgapError(
    `${archivePath} does not match its checksum: it was changed after airgap bundle`,
    {
      details: [`expected ${expected}`, `sidecar  ${sidecar}`, `actual   ${actual}`],
      hint: 'rebuild the bundle with airgap bundle and copy it again',
      code: 'integrity',
    },
  );
}

/**
 * Hashes the archive as it streams to S3 and fails the stream at its end when the bytes are
 * not the ones airgap built. Failing before the last part means lib-storage aborts the
 * multipart upload (or never sends the single PUT), so nothing altered is ever completed.
 */
function hashingGuard(
  expected: string,
  archivePath: string,
  onMismatch: (error: AirgapError) => void,
): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      if (actual === expected) return callback(null);
      const error = alteredError(archivePath, expected, expected, actual);
      onMismatch(error);
      callback(error);
    },
  });
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
      ContentType: record.archive!.format === 'zip' ? 'application/zip' : 'application/gzip',
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
