import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { AirgapError, ExitCode } from '../../errors.js';
import { type BundleRecord, RECORDS_DIR, readRecord, recordPath } from '../../model/record.js';
import {
  isPrefix,
  listLogObjects,
  openLogObject,
  parseS3Url,
  type S3Location,
} from '../../transfer/session-logs.js';
import { makeS3Client } from '../../transfer/upload.js';
import { contextOf } from '../context.js';
import { ingest } from './ingest.js';
import type { IngestOptions, IngestResult } from './types.js';

export interface IngestS3Options extends Omit<IngestOptions, 'transcript' | 'input'> {
  /** `s3://<bucket>/<key>` for one log, `s3://<bucket>/<prefix>/` for every log under it. */
  url: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  profile?: string;
  /** Injected in tests; built from the options otherwise. */
  client?: S3Client;
}

export interface IngestedLog {
  url: string;
  /** ingested: it changed the repo; already: ingested before, nothing changed; skipped: why in `reason`. */
  status: 'ingested' | 'already' | 'skipped';
  reason?: string;
  result?: IngestResult;
}

export interface IngestS3Result {
  url: string;
  /** The URL named a prefix: every log under it was looked at. */
  prefix: boolean;
  logs: IngestedLog[];
}

/**
 * Session logs straight from S3. One object is ingested like a file (every error stands). A
 * prefix is listed and each log ingested oldest first; a log that holds no markers of a bundle
 * this repo knows is skipped with the reason, and one ingested before changes nothing, so the
 * same prefix can be ingested again and again.
 */
export async function ingestS3(options: IngestS3Options): Promise<IngestS3Result> {
  const { cwd, git } = contextOf(options.context);
  const location = parseS3Url(options.url);
  const root = await git.repoRoot(options.repo ? resolve(cwd, options.repo) : cwd);
  const defaults = await s3Defaults(root, location, options.bundle);
  const where = {
    region: options.region ?? defaults?.region ?? envRegion(),
    endpoint: options.endpoint ?? defaults?.endpoint,
  };
  const client =
    options.client ??
    makeS3Client({
      ...where,
      forcePathStyle: options.forcePathStyle ?? defaults?.forcePathStyle,
      profile: options.profile,
    });
  const { url: _url, region: _r, endpoint: _e, forcePathStyle: _f, profile: _p, ...rest } = options;
  const ingestOne = async (key: string): Promise<IngestedLog> => {
    const url = `s3://${location.bucket}/${key}`;
    const bytes = await openLogObject(client, { bucket: location.bucket, key }, where);
    const result = await ingest({
      ...rest,
      repo: root,
      transcript: url,
      input: { name: url, bytes },
    }).finally(() => (bytes as { destroy?: () => void }).destroy?.());
    const status = result.duplicate && !result.changed.length ? 'already' : 'ingested';
    return { url, status, result };
  };
  if (!isPrefix(location))
    return { url: options.url, prefix: false, logs: [await ingestOne(location.key)] };

  const logs: IngestedLog[] = [];
  for (const object of await listLogObjects(client, location, where)) {
    try {
      logs.push(await ingestOne(object.key));
    } catch (error) {
      // A log of another repo's bundle, of no bundle at all, or not a log: said, not fatal.
      if (
        error instanceof AirgapError &&
        (error.exitCode === ExitCode.transcript || error.exitCode === ExitCode.unknownBundle)
      ) {
        logs.push({
          url: `s3://${location.bucket}/${object.key}`,
          status: 'skipped',
          reason: skipReason(error),
        });
        continue;
      }
      throw error;
    }
  }
  if (!logs.length) {
    throw new AirgapError(`no objects under ${options.url}`, {
      hint: "check the prefix: Session Manager writes <s3KeyPrefix>/<session-id>.log (see the session preferences' S3 settings)",
      code: 'usage',
    });
  }
  return { url: options.url, prefix: true, logs };
}

function skipReason(error: AirgapError): string {
  const other = /does not know bundle (\S+)/.exec(error.message);
  if (other) return `bundle ${other[1]} is not of this repo (no ${recordPath(other[1]!)})`;
  if (error.message.startsWith('no airgap markers')) return 'no airgap markers';
  return error.message.replace(/^s3:\/\/\S+ /, '');
}

function envRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/**
 * Region and endpoint when the options give none: the spec of the bundle named with --bundle;
 * else the newest record whose bundles go to the log's bucket; else the newest record (the
 * team's region and VPC endpoint); else nothing.
 */
async function s3Defaults(
  root: string,
  location: S3Location,
  bundle: string | undefined,
): Promise<BundleRecord['s3'] | undefined> {
  if (bundle && existsSync(join(root, recordPath(bundle))))
    return (await readRecord(join(root, recordPath(bundle)))).s3;
  const dir = join(root, RECORDS_DIR);
  if (!existsSync(dir)) return undefined;
  const records: BundleRecord[] = [];
  // A damaged record of another bundle only costs its defaults: ingest of its logs says why.
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')))
    await readRecord(join(dir, file)).then(
      (r) => records.push(r),
      () => undefined,
    );
  records.sort((a, b) => b.commitTime.localeCompare(a.commitTime) || a.id.localeCompare(b.id));
  return (records.find((r) => r.s3.bucket === location.bucket) ?? records[0])?.s3;
}
