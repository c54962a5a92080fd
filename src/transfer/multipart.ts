import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  ListMultipartUploadsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AirgapError } from '../errors.js';
import { oneAtATime } from '../util/one-at-a-time.js';
import { alteredError } from './bundle-dir.js';
import {
  abortUpload,
  isTransient,
  type KnownPart,
  listParts,
  unsupported,
} from './multipart-calls.js';
import {
  clearUploadState,
  loadUploadState,
  saveUploadState,
  type UploadState,
} from './upload-state.js';

export interface MultipartInput {
  client: S3Client;
  bucket: string;
  key: string;
  archivePath: string;
  size: number;
  sha256: string;
  partSize: number;
  /** Content type, metadata and encryption for CreateMultipartUpload. */
  params: Omit<CreateMultipartUploadCommandInput, 'Bucket' | 'Key'>;
  /** Send and check per-part SHA-256 checksums (AWS S3; other endpoints may reject them). */
  partChecksums: boolean;
  /** Where the upload id and finished parts are kept between runs (in the bundle dir). */
  statePath: string;
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
  queueSize?: number;
}

export interface MultipartResult {
  uploadId: string;
  partsSent: number;
  partsReused: number;
  staleAborted: number;
}

/**
 * Multipart upload that survives interruptions. Earlier unfinished uploads of this key are
 * found (ListMultipartUploads, or the upload id kept in the bundle dir) and the newest one is
 * resumed: each part already in S3 is kept only if its ETag (MD5) or SHA-256 checksum matches
 * the local part, so only missing or different parts are sent. Every other unfinished upload
 * of the key is aborted. The whole archive is hashed on the way, and the upload is completed
 * only if it is the archive airgap built. Ctrl-C (the signal) aborts the upload.
 */
export async function resumableUpload(input: MultipartInput): Promise<MultipartResult> {
  const { client, bucket, key } = input;
  const signal = input.signal;
  const sendOptions = signal ? { abortSignal: signal } : {};
  const saved = await loadUploadState(input.statePath, {
    bucket,
    key,
    sha256: input.sha256,
    partSize: input.partSize,
  });

  // Unfinished uploads of this key, newest first; undefined when the endpoint cannot list them.
  let listed: string[] | undefined;
  try {
    const found = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
    );
    listed = (found?.Uploads ?? [])
      .filter((u) => u.Key === key && u.UploadId)
      .sort((a, b) => (b.Initiated?.getTime() ?? 0) - (a.Initiated?.getTime() ?? 0))
      .map((u) => u.UploadId!);
  } catch (error) {
    if (!unsupported(error)) throw error;
  }
  let uploadId =
    saved && (!listed || listed.includes(saved.uploadId)) ? saved.uploadId : listed?.[0];
  const known = new Map<number, KnownPart>();
  if (uploadId) {
    const parts = await listParts(client, bucket, key, uploadId);
    if (parts === 'gone') uploadId = undefined;
    else if (parts) for (const [n, p] of parts) known.set(n, p);
    else if (saved?.uploadId === uploadId)
      for (const [n, etag] of Object.entries(saved.parts)) known.set(Number(n), { etag });
  }
  let staleAborted = 0;
  for (const stale of [...(listed ?? []), ...(saved ? [saved.uploadId] : [])]) {
    if (stale === uploadId) continue;
    if (await abortUpload(client, bucket, key, stale)) staleAborted++;
  }
  if (!uploadId) {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ...input.params,
        ...(input.partChecksums ? { ChecksumAlgorithm: 'SHA256' } : {}),
      }),
    );
    if (!created.UploadId) throw new AirgapError(`S3 returned no upload id for ${key}`);
    uploadId = created.UploadId;
  }
  const state: UploadState = {
    bucket,
    key,
    sha256: input.sha256,
    partSize: input.partSize,
    uploadId,
    parts: {},
  };
  await saveUploadState(input.statePath, state);

  const id = uploadId;
  const finish = async (error: unknown): Promise<never> => {
    if (signal?.aborted) {
      await abortUpload(client, bucket, key, id);
      await clearUploadState(input.statePath);
      throw new AirgapError(
        `upload of s3://${bucket}/${key} interrupted; the multipart upload was aborted`,
        {
          hint: 'run airgap upload again to start over',
          code: 'interrupted',
        },
      );
    }
    // Transient failures keep the parts in S3 and the state here: the next run resumes.
    if (!isTransient(error)) {
      await abortUpload(client, bucket, key, id);
      await clearUploadState(input.statePath);
    }
    throw error;
  };
  const total = Math.max(1, Math.ceil(input.size / input.partSize));
  const whole = createHash('sha256');
  const done: Array<{ PartNumber: number; ETag: string; ChecksumSHA256?: string }> = [];
  let sent = 0;
  let partsSent = 0;
  let partsReused = 0;
  const inFlight = new Set<Promise<void>>();
  // One save at a time, each writing the state as it is then: two parts finishing together
  // started two atomic writes whose mkdir steps could finish out of order, and the older state
  // (one part) landed last; the resume then sent that part again.
  const saveState = oneAtATime(() => saveUploadState(input.statePath, state));
  let failure: unknown;
  const file = await open(input.archivePath, 'r');
  try {
    for (let n = 1; n <= total && failure === undefined; n++) {
      if (signal?.aborted) throw signal.reason;
      const offset = (n - 1) * input.partSize;
      const length = Math.min(input.partSize, input.size - offset);
      const body = Buffer.alloc(length);
      await file.read(body, 0, length, offset);
      whole.update(body);
      const md5 = createHash('md5').update(body).digest();
      const checksum = createHash('sha256').update(body).digest('base64');
      const have = known.get(n);
      if (
        have &&
        (have.size === undefined || have.size === length) &&
        (have.etag === `"${md5.toString('hex')}"` || (have.checksum && have.checksum === checksum))
      ) {
        done.push({
          PartNumber: n,
          ETag: have.etag ?? '',
          ...(input.partChecksums ? { ChecksumSHA256: checksum } : {}),
        });
        state.parts[n] = have.etag ?? '';
        partsReused++;
        sent += length;
        input.onProgress?.(sent, input.size);
        continue;
      }
      const sendPart = async () =>
        client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: id,
            PartNumber: n,
            Body: body,
            ContentLength: length,
            ContentMD5: md5.toString('base64'),
            ...(input.partChecksums ? { ChecksumSHA256: checksum } : {}),
          }),
          sendOptions,
        );
      const task = sendPart().then(
        async (answer) => {
          const etag = answer.ETag ?? `"${md5.toString('hex')}"`;
          done.push({
            PartNumber: n,
            ETag: etag,
            ...(input.partChecksums ? { ChecksumSHA256: checksum } : {}),
          });
          state.parts[n] = etag;
          partsSent++;
          sent += length;
          input.onProgress?.(sent, input.size);
          await saveState();
        },
        (error: unknown) => {
          failure ??= error;
        },
      );
      const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= (input.queueSize ?? 4)) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } catch (error) {
    failure ??= error;
    await Promise.allSettled(inFlight);
  } finally {
    await file.close();
  }
  if (signal?.aborted) return finish(signal.reason);
  if (failure !== undefined) return finish(failure);
  const actual = whole.digest('hex');
  if (actual !== input.sha256) {
    return finish(alteredError(input.archivePath, input.sha256, input.sha256, actual));
  }
  done.sort((a, b) => a.PartNumber - b.PartNumber);
  try {
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: id,
        MultipartUpload: { Parts: done },
      }),
      sendOptions,
    );
  } catch (error) {
    // A part the bundle dir remembered but S3 no longer has: start over next time.
    await clearUploadState(input.statePath);
    throw error;
  }
  await clearUploadState(input.statePath);
  return { uploadId: id, partsSent, partsReused, staleAborted };
}
