/**
 * airgap as a library: `import { bundle, upload, ingest, status, init, discard } from 'airgap'`.
 * Each command loads its module (and, for upload, the AWS SDK) on first call, so importing
 * the library, like starting the CLI, costs almost nothing. Failures a user can act on are
 * AirgapError (message, hint, exitCode); anything else is a bug.
 */
import type { BundleOptions, BundleResult } from './commands/bundle/bundle.js';
import type { DiscardOptions, DiscardResult } from './commands/discard/discard.js';
import type { IngestS3Options, IngestS3Result } from './commands/ingest/s3.js';
import type { IngestOptions, IngestResult } from './commands/ingest/types.js';
import type { InitResult } from './commands/init/init.js';
import type { StatusResult } from './commands/status/status.js';
import type { UploadOptions, UploadResult } from './commands/upload/upload.js';

export type { BundleOptions, BundleResult } from './commands/bundle/bundle.js';
export type { CommandContext } from './commands/context.js';
export type { DiscardOptions, DiscardResult } from './commands/discard/discard.js';
export type { IngestedLog, IngestS3Options, IngestS3Result } from './commands/ingest/s3.js';
export type { IngestOptions, IngestResult } from './commands/ingest/types.js';
export type { InitResult } from './commands/init/init.js';
export type { EnvironmentStatus, StatusResult } from './commands/status/status.js';
export type { UploadCheck, UploadOptions, UploadResult } from './commands/upload/upload.js';
export { AirgapError, ExitCode, type ExitCodeName, isAirgapError } from './errors.js';
export type { ArchiveFormat } from './model/archive-formats.js';
export type { BundleFile, BundleRecord, Unit, UnitKind } from './model/record.js';
export type { BundleSpec } from './model/spec.js';
export type { Commit, DirtyPath, TreeEntry } from './repo/git.js';
export type { Blobs, Git } from './repo/git-access.js';
export type { GitResult } from './repo/run-git.js';

export type StatusOptions = Parameters<typeof import('./commands/status/status.js').status>[0];
export type InitOptions = Parameters<typeof import('./commands/init/init.js').init>[0];

/** Packs the committed files a bundle spec names into a verified archive and paste scripts. */
export async function bundle(options: BundleOptions): Promise<BundleResult> {
  return (await import('./commands/bundle/bundle.js')).bundle(options);
}

/** Uploads a bundle directory to S3, verified and idempotent. */
export async function upload(options: UploadOptions): Promise<UploadResult> {
  return (await import('./commands/upload/upload.js')).upload(options);
}

/** Turns pasted terminal output into a runbook and updates the living docs. */
export async function ingest(options: IngestOptions): Promise<IngestResult> {
  return (await import('./commands/ingest/ingest.js')).ingest(options);
}

/**
 * Ingests Session Manager session logs from S3: one object, or every log under a prefix that
 * holds markers of this repo's bundles (oldest first; logs ingested before change nothing).
 */
export async function ingestS3(options: IngestS3Options): Promise<IngestS3Result> {
  return (await import('./commands/ingest/s3.js')).ingestS3(options);
}

/** What is prepared, deployed or failed per environment, from the repo alone. */
export async function status(options: StatusOptions = {}): Promise<StatusResult> {
  return (await import('./commands/status/status.js')).status(options);
}

/** Sets up an ops repo for airgap; running it again changes nothing. */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  return (await import('./commands/init/init.js')).init(options);
}

/** Retires a bundle that will never be deployed, recorded in PENDING-CHANGES.md. */
export async function discard(options: DiscardOptions): Promise<DiscardResult> {
  return (await import('./commands/discard/discard.js')).discard(options);
}
