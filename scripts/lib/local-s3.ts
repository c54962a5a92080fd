import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The credentials s3rver accepts; exported so the aws CLI and the SDK can be pointed at it. */
export const LOCAL_S3_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
} as const;

export interface LocalS3 {
  endpoint: string;
  port: number;
  directory: string;
  close(): Promise<void>;
}

/** A real S3 protocol server on 127.0.0.1 and a random free port, storing into a temp dir. */
export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  // Imported here, not at the top: every test helper reaches this file through loop.ts, and
  // s3rver (koa and its XML stack) takes 0.4-0.5 s of CPU to load, in tests that never start it.
  const { default: S3rver } = await import('s3rver');
  const directory = mkdtempSync(join(tmpdir(), 'airgap-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    directory,
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
