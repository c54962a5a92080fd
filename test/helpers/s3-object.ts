import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** What S3 really stores under a key: the bytes' sha256, the sha256 metadata, the text. */
export async function storedObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ sha256: string; metadata?: string; text: string }> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const chunks: Buffer[] = [];
  for await (const chunk of response.Body as Readable) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...(head.Metadata?.sha256 ? { metadata: head.Metadata.sha256 } : {}),
    text: bytes.toString('utf8'),
  };
}
