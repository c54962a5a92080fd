/**
 * The S3 calls around a multipart upload besides sending parts (its parts so far, aborting it)
 * and what a failed call means: worth retrying, or not implemented by the endpoint.
 */
import { AbortMultipartUploadCommand, ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import { AirgapError } from '../errors.js';

/** A failed request worth retrying later: no answer, or a server-side error. */
export function isTransient(error: unknown): boolean {
  if (error instanceof AirgapError) return false;
  const e = error as { $metadata?: { httpStatusCode?: number }; name?: string; code?: string };
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined) return e?.name !== 'AbortError';
  return status >= 500 || status === 408 || status === 429;
}

/** The endpoint does not implement the call (s3rver 3.7 lacks the multipart listings). */
export function unsupported(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'NotImplemented' ||
    e?.Code === 'NotImplemented' ||
    e?.name === 'MethodNotAllowed' ||
    [405, 501].includes(e?.$metadata?.httpStatusCode ?? 0)
  );
}

export interface KnownPart {
  etag?: string | undefined;
  checksum?: string | undefined;
  size?: number | undefined;
}

export async function listParts(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<Map<number, KnownPart> | 'gone' | undefined> {
  const parts = new Map<number, KnownPart>();
  let marker: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListPartsCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          ...(marker ? { PartNumberMarker: marker } : {}),
        }),
      );
      for (const p of page?.Parts ?? [])
        if (p.PartNumber)
          parts.set(p.PartNumber, { etag: p.ETag, checksum: p.ChecksumSHA256, size: p.Size });
      marker = page?.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (error) {
    if (unsupported(error)) return undefined;
    if ((error as { name?: string }).name === 'NoSuchUpload') return 'gone';
    throw error;
  }
  return parts;
}

/** Aborts an unfinished upload; false when the endpoint cannot or it is already gone. */
export async function abortUpload(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<boolean> {
  try {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    );
    return true;
  } catch {
    return false;
  }
}
