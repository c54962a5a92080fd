import type { Command } from 'commander';
import { AirgapError } from '../errors.js';
import { upload } from '../index.js';
import type { Progress } from '../util/progress.js';
import { fields, formatBytes, printJson } from './output.js';

interface UploadFlags {
  bucket?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  profile?: string;
  sse?: string;
  kmsKeyId?: string;
  force?: boolean;
  verifyDownload?: boolean;
  sha256?: string;
  json?: boolean;
}

export function registerUpload(
  program: Command,
  run: (action: () => Promise<void>, json?: boolean) => Promise<void>,
): void {
  program
    .command('upload')
    .description('upload a bundle (directory or archive) to S3, verified and idempotent')
    .argument('<bundle>', 'the directory `airgap bundle` printed last, or the archive alone')
    .option('--sha256 <hex>', 'the archive must have this sha256 (PASTE.md gives it)')
    .option('--bucket <bucket>', 'override s3.bucket from the bundle')
    .option('--prefix <prefix>', 'override s3.prefix from the bundle')
    .option('--region <region>', 'override s3.region from the bundle')
    .option('--endpoint <url>', 'S3-compatible endpoint (VPC endpoint, MinIO, local server)')
    .option('--force-path-style', 'address the bucket in the path, not the host name')
    .option('--profile <name>', 'AWS profile to use')
    .option('--sse <mode>', 'server-side encryption: AES256 or aws:kms')
    .option('--kms-key-id <id>', 'KMS key for --sse aws:kms')
    .option('--force', 'replace an object with a different checksum at the same key')
    .option('--verify-download', 'read the object back and re-hash it')
    .option('--json', 'print a JSON result instead of text')
    .action((bundleDir: string, flags: UploadFlags) =>
      run(async () => {
        if (flags.sse && flags.sse !== 'AES256' && flags.sse !== 'aws:kms') {
          throw new AirgapError(`--sse ${flags.sse} is not supported`, {
            hint: 'use --sse AES256 or --sse aws:kms',
            code: 'usage',
          });
        }
        // Loaded here, not at start-up: `airgap --help` should not pay for it.
        const { startProgress } = await import('../util/progress.js');
        let progress: Progress | undefined;
        let reported = 0;
        // Ctrl-C aborts the multipart upload instead of leaving parts in S3.
        const interrupt = new AbortController();
        const onSigint = () => interrupt.abort(new Error('interrupted'));
        process.once('SIGINT', onSigint);
        const result = await upload({
          bundleDir,
          signal: interrupt.signal,
          ...(flags.sha256 ? { sha256: flags.sha256 } : {}),
          ...(flags.bucket ? { bucket: flags.bucket } : {}),
          ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
          ...(flags.region ? { region: flags.region } : {}),
          ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
          ...(flags.forcePathStyle ? { forcePathStyle: true } : {}),
          ...(flags.profile ? { profile: flags.profile } : {}),
          ...(flags.sse ? { sse: flags.sse as 'AES256' | 'aws:kms' } : {}),
          ...(flags.kmsKeyId ? { kmsKeyId: flags.kmsKeyId } : {}),
          force: flags.force ?? false,
          verifyDownload: flags.verifyDownload ?? false,
          onProgress: (sent, total) => {
            progress ??= startProgress({
              label: 'uploading',
              total,
              unit: 'bytes',
              enabled: !flags.json,
            });
            progress.add(sent - reported);
            reported = sent;
          },
        });
        process.off('SIGINT', onSigint);
        progress?.done();
        if (flags.json) {
          printJson({ ok: true, ...result });
          return;
        }
        const rate = result.seconds > 0 ? `${formatBytes(result.size / result.seconds)}/s` : '';
        process.stdout.write(
          `${[
            result.status === 'uploaded'
              ? `uploaded ${result.url}`
              : `already uploaded ${result.url} (same sha256; nothing sent)`,
            fields([
              [
                'size',
                `${formatBytes(result.size)}${result.status === 'uploaded' ? ` in ${result.seconds.toFixed(1)} s (${rate})` : ''}`,
              ],
              ['sha256', result.sha256],
              [
                'checked',
                result.verifiedDownload
                  ? 'HeadObject size and sha256, and a full download'
                  : 'HeadObject size and sha256 metadata',
              ],
            ]),
          ].join('\n')}\n`,
        );
      }, flags.json),
    );
}
