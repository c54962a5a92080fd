import { resolve } from 'node:path';
import type { HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { AirgapError } from '../../errors.js';
import { s3Key } from '../../model/record.js';
import { loadBundle } from '../../transfer/archive-file.js';
import {
  choosePartSize,
  findObject,
  holdsBundle,
  makeS3Client,
  type S3Target,
  type SendStats,
  s3Url,
  sendArchive,
  verifyByDownload,
} from '../../transfer/upload.js';
import { type CommandContext, contextOf } from '../context.js';

export interface UploadOptions {
  /** A bundle directory, or the archive file alone (then `sha256` or a sidecar beside it). */
  bundleDir: string;
  /** The archive's expected sha256, as PASTE.md embeds it. */
  sha256?: string;
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
  /** Ctrl-C: aborts the multipart upload (S3 keeps nothing). */
  signal?: AbortSignal;
  /** Injected in tests; built from the options otherwise. */
  client?: S3Client;
  /** Clock, working directory, stdin, git and document fs (CommandContext); real if left out. */
  context?: Partial<CommandContext>;
}

export interface UploadResult extends Partial<SendStats> {
  status: 'uploaded' | 'already-uploaded';
  url: string;
  bucket: string;
  key: string;
  sha256: string;
  size: number;
  partSize: number;
  seconds: number;
  verifiedDownload: boolean;
  /** What S3 answered when the object was checked after the upload (or found already there). */
  check: UploadCheck;
}

/**
 * The check the human output sums up as `checked HeadObject size and sha256 metadata`: the
 * values S3 returned, each equal to the archive's (or upload throws), for a script to log.
 */
export interface UploadCheck {
  request: 'HeadObject';
  bucket: string;
  key: string;
  /** ContentLength: the archive's size in bytes. */
  size: number;
  /** The `sha256` user metadata airgap stores: the archive's sha256. */
  sha256: string;
  /**
   * S3's ETag, unquoted: the MD5 of a single PutObject, of the parts' MD5s with `-<parts>` for a
   * multipart upload. Not compared (airgap checks sha256); for matching S3's own records.
   */
  etag?: string;
  /** With --verify-download: the object was read back and its bytes hashed to `sha256`. */
  download: boolean;
  ok: true;
}

/**
 * Uploads a bundle dir or the archive alone: load (refuse an incomplete or altered bundle) → target (flags over the
 * record) → look (same object already there: done; another object: refuse unless --force)
 * → send → confirm (HeadObject) → optionally read it back.
 */
export async function upload(options: UploadOptions): Promise<UploadResult> {
  const context = contextOf(options.context);
  const started = context.now().getTime();
  const bundle = await loadBundle(resolve(context.cwd, options.bundleDir), options.sha256);
  const { record } = bundle;
  const target: S3Target = {
    bucket: options.bucket ?? record.s3.bucket,
    key: s3Key(options.prefix ?? record.s3.prefix, record.archive.file),
    region: options.region ?? record.s3.region,
    endpoint: options.endpoint ?? record.s3.endpoint,
  };
  const url = s3Url(target);
  const client =
    options.client ??
    makeS3Client({
      region: target.region,
      endpoint: target.endpoint,
      forcePathStyle: options.forcePathStyle ?? record.s3.forcePathStyle,
      profile: options.profile,
    });
  const partSize = choosePartSize(bundle.size);
  const finish = async (
    status: UploadResult['status'],
    head: HeadObjectCommandOutput,
  ): Promise<UploadResult> => {
    const verifiedDownload = options.verifyDownload
      ? await verifyByDownload(client, target, bundle.sha256)
      : false;
    const etag = head.ETag?.replace(/^"|"$/g, '');
    return {
      status,
      url,
      bucket: target.bucket,
      key: target.key,
      sha256: bundle.sha256,
      size: bundle.size,
      partSize,
      seconds: (context.now().getTime() - started) / 1000,
      verifiedDownload,
      check: {
        request: 'HeadObject',
        bucket: target.bucket,
        key: target.key,
        // holdsBundle compared these two with the archive's before finish was called.
        size: head.ContentLength ?? bundle.size,
        sha256: head.Metadata?.sha256 ?? bundle.sha256,
        ...(etag ? { etag } : {}),
        download: verifiedDownload,
        ok: true,
      },
    };
  };

  const existing = await findObject(client, target);
  if (existing) {
    if (holdsBundle(existing, bundle)) return finish('already-uploaded', existing);
    if (!options.force) {
      throw new AirgapError(
        `${url} already holds a different object (sha256 ${existing.Metadata?.sha256 ?? 'unknown'})`,
        {
          hint: 'a bundle with this id may be mid-deployment; pass --force only if you are sure to replace it',
          code: 'conflict',
        },
      );
    }
  }

  const stats = await sendArchive(client, target, bundle, {
    partSize,
    sse: options.sse,
    kmsKeyId: options.kmsKeyId,
    onProgress: options.onProgress,
    signal: options.signal,
  });

  const after = await findObject(client, target);
  if (!after || !holdsBundle(after, bundle)) {
    throw new AirgapError(
      `${url} does not match after upload (size ${after?.ContentLength ?? 'none'}, sha256 ${after?.Metadata?.sha256 ?? 'none'})`,
      {
        hint: 'run the upload again; if it repeats, check the endpoint',
        code: 'integrity',
      },
    );
  }
  return { ...(await finish('uploaded', after)), ...stats };
}
