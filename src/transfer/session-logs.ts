import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { AirgapError } from '../errors.js';
import { explainAwsError } from './aws-errors.js';

/**
 * Reading Session Manager's session logs where it writes them: one object, or every object
 * under a prefix (the agent writes `<prefix>/<session-id>.log` when a session ends).
 */
export interface S3Location {
  bucket: string;
  /** The object's key, or a prefix (empty, or ending in `/`). */
  key: string;
}

export interface LogObject {
  key: string;
  lastModified: Date | undefined;
  size: number;
}

const S3_URL = /^s3:\/\/([^/]+)\/?(.*)$/;

export function isS3Url(text: string): boolean {
  return text.startsWith('s3://');
}

export function parseS3Url(url: string): S3Location {
  const match = S3_URL.exec(url);
  if (!match?.[1]) {
    throw new AirgapError(`not an S3 URL: ${url}`, {
      hint: 'write s3://<bucket>/<key> for one log, s3://<bucket>/<prefix>/ for every log under it',
      code: 'usage',
    });
  }
  return { bucket: match[1], key: match[2] ?? '' };
}

/** A prefix lists its logs; a key names one object. */
export function isPrefix(location: S3Location): boolean {
  return location.key === '' || location.key.endsWith('/');
}

interface Where {
  region: string;
  endpoint: string | undefined;
}

/** The object's bytes as a stream; a missing object or bucket and a denial explained. */
export async function openLogObject(
  client: S3Client,
  location: S3Location,
  where: Where,
): Promise<AsyncIterable<Buffer>> {
  const url = `s3://${location.bucket}/${location.key}`;
  try {
    const response = await client.send(
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
    );
    return response.Body as Readable;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (
      e.name === 'NoSuchKey' ||
      (e.name !== 'NoSuchBucket' && e.$metadata?.httpStatusCode === 404)
    ) {
      throw new AirgapError(`no such object: ${url}`, {
        hint: `check the key; \`aws s3 ls s3://${location.bucket}/${parentOf(location.key)}\` lists what is there, and a URL ending in / ingests a whole prefix`,
        code: 'usage',
        cause: error,
      });
    }
    throw explainAwsError(error, { action: 's3:GetObject', target: url, ...where });
  }
}

/** Every object under the prefix, oldest first (then by key), folders left out. */
export async function listLogObjects(
  client: S3Client,
  location: S3Location,
  where: Where,
): Promise<LogObject[]> {
  const objects: LogObject[] = [];
  let token: string | undefined;
  do {
    let page: Awaited<ReturnType<typeof listPage>>;
    try {
      page = await listPage(client, location, token);
    } catch (error) {
      throw explainAwsError(error, {
        action: 's3:ListBucket',
        target: `s3://${location.bucket}/${location.key}`,
        ...where,
      });
    }
    for (const o of page.Contents ?? []) {
      if (!o.Key || o.Key.endsWith('/')) continue;
      objects.push({ key: o.Key, lastModified: o.LastModified, size: o.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects.sort(
    (a, b) =>
      (a.lastModified?.getTime() ?? 0) - (b.lastModified?.getTime() ?? 0) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

function listPage(client: S3Client, location: S3Location, token: string | undefined) {
  return client.send(
    new ListObjectsV2Command({
      Bucket: location.bucket,
      Prefix: location.key,
      ...(token ? { ContinuationToken: token } : {}),
    }),
  );
}

function parentOf(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? '' : key.slice(0, slash + 1);
}
