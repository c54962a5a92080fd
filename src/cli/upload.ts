import type { UploadOptions, UploadResult } from '../index.js';
import { upload } from '../index.js';
import type { Progress } from '../util/progress.js';
import type { CommandSpec } from './command.js';
import { fields, formatBytes, wrapLine } from './output.js';

interface UploadFlags {
  bucket?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  forcePathStyle: boolean;
  profile?: string;
  sse?: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
  force: boolean;
  verifyDownload: boolean;
  sha256?: string;
  json?: boolean;
}

export const uploadCommand: CommandSpec<UploadFlags, UploadOptions, UploadResult> = {
  name: 'upload',
  description: 'upload a bundle (directory or archive) to S3, verified and idempotent',
  arguments: [['<bundle>', 'the directory `airgap bundle` printed last, or the archive alone']],
  options: [
    {
      flags: '--sha256 <hex>',
      description: 'the archive must have this sha256 (PASTE.md gives it)',
    },
    { flags: '--bucket <bucket>', description: 'override s3.bucket from the bundle' },
    {
      flags: '--prefix <prefix>',
      description: 'override s3.prefix from the bundle',
      keepEmpty: true,
    },
    { flags: '--region <region>', description: 'override s3.region from the bundle' },
    {
      flags: '--endpoint <url>',
      description: 'S3-compatible endpoint (VPC endpoint, MinIO, local server)',
    },
    {
      flags: '--force-path-style',
      description: 'address the bucket in the path, not the host name',
    },
    { flags: '--profile <name>', description: 'AWS profile to use' },
    {
      flags: '--sse <mode>',
      description: 'server-side encryption',
      choices: ['AES256', 'aws:kms'],
    },
    { flags: '--kms-key-id <id>', description: 'KMS key for --sse aws:kms' },
    {
      flags: '--force',
      description: 'replace an object with a different checksum at the same key',
    },
    { flags: '--verify-download', description: 'read the object back and re-hash it' },
  ],
  toOptions: ([bundleDir], flags) => ({
    bundleDir: bundleDir ?? '',
    sha256: flags.sha256,
    bucket: flags.bucket,
    prefix: flags.prefix,
    region: flags.region,
    endpoint: flags.endpoint,
    // Absent is not false: the record's s3.forcePathStyle applies unless the flag is given.
    forcePathStyle: flags.forcePathStyle || undefined,
    profile: flags.profile,
    sse: flags.sse,
    kmsKeyId: flags.kmsKeyId,
    force: flags.force,
    verifyDownload: flags.verifyDownload,
  }),
  call: async (options, flags) => {
    // Loaded here, not at start-up: `airgap --help` should not pay for it.
    const { startProgress } = await import('../util/progress.js');
    let progress: Progress | undefined;
    let reported = 0;
    // Ctrl-C aborts the multipart upload instead of leaving parts in S3.
    const { abortOnInterrupt } = await import('../util/process.js');
    const interrupt = abortOnInterrupt();
    const result = await upload({
      ...options,
      signal: interrupt.signal,
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
    interrupt.dispose();
    progress?.done();
    return result;
  },
  print: (result) => {
    const rate = result.seconds > 0 ? `${formatBytes(result.size / result.seconds)}/s` : '';
    process.stdout.write(
      `${[
        wrapLine(
          result.status === 'uploaded'
            ? `uploaded ${result.url}`
            : `already uploaded ${result.url}`,
        ),
        fields([
          // On a line of its own: beside a long S3 URL it ran past 80 columns.
          ...(result.status === 'uploaded'
            ? []
            : [['sent', 'nothing: the same sha256 is in S3'] as [string, string]]),
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
  },
};
