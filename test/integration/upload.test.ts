import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../../scripts/lib/local-s3.js';
import { runCollected, setSpecEndpoint } from '../../scripts/lib/loop.js';
import { bundle as buildBundle } from '../../src/commands/bundle/bundle.js';
import { upload } from '../../src/commands/upload/upload.js';
import { expectAirgapError } from '../helpers/errors.js';
import { fakeBundleDir } from '../helpers/fake-bundle.js';
import { opsRepo, tempDir } from '../helpers/fixtures.js';
import { startFlakyProxy } from '../helpers/flaky-proxy.js';
import { commitAll, requireTool, runCli, standinBin } from '../helpers/ops-repo.js';

let s3: LocalS3;
const savedEnv = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, LOCAL_S3_CREDENTIALS);
  s3 = await startLocalS3(['acme-airgap']);
});
afterAll(async () => {
  await s3.close();
  process.env = savedEnv;
});

function client(endpoint = s3.endpoint): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

async function downloadSha(key: string): Promise<string> {
  const response = await client().send(new GetObjectCommand({ Bucket: 'acme-airgap', Key: key }));
  const hash = createHash('sha256');
  for await (const chunk of response.Body as Readable) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('airgap upload against s3rver', () => {
  it('uploads 60 MB in parts; the download is byte-identical; a second upload sends nothing', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 60 * 1024 * 1024, 'big-60mb-1234567');
    const parts: number[] = [];
    const first = await upload({
      bundleDir: bundle.dir,
      endpoint: s3.endpoint,
      onProgress: (sent) => parts.push(sent),
    });
    expect(first.status).toBe('uploaded');
    expect(first.partSize).toBe(8 * 1024 * 1024);
    expect(parts.length).toBeGreaterThanOrEqual(8); // 60 MB / 8 MiB parts
    expect(await downloadSha(first.key)).toBe(bundle.sha256);
    const head = await client().send(
      new HeadObjectCommand({ Bucket: 'acme-airgap', Key: first.key }),
    );
    expect(head.Metadata?.sha256).toBe(bundle.sha256);

    const again = await upload({
      bundleDir: bundle.dir,
      endpoint: s3.endpoint,
      verifyDownload: true,
    });
    expect(again.status).toBe('already-uploaded');
    expect(again.verifiedDownload).toBe(true);
  });

  it('refuses a different object at the same key; --force replaces it', async () => {
    await using tmp = await tempDir();
    const original = fakeBundleDir(tmp, 1024 * 1024, 'conflict-1234567');
    await upload({ bundleDir: original.dir, endpoint: s3.endpoint });
    const changed = fakeBundleDir(tmp, 1024 * 1024, 'conflict-1234567');
    const error = await expectAirgapError(
      upload({ bundleDir: changed.dir, endpoint: s3.endpoint }),
    );
    expect(error.exitCode).toBe(7);
    expect(error.message).toContain('already holds a different object');
    expect(await downloadSha('bundles/dev/conflict-1234567.tar.gz')).toBe(original.sha256);

    const forced = await upload({
      bundleDir: changed.dir,
      endpoint: s3.endpoint,
      force: true,
      verifyDownload: true,
    });
    expect(forced.status).toBe('uploaded');
    expect(await downloadSha('bundles/dev/conflict-1234567.tar.gz')).toBe(changed.sha256);
  });

  it('refuses a bundle altered after airgap bundle, and an incomplete one', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 1024, 'altered-1234567');
    writeFileSync(join(bundle.dir, 'altered-1234567.tar.gz'), 'tampered');
    const error = await expectAirgapError(upload({ bundleDir: bundle.dir, endpoint: s3.endpoint }));
    expect(error.exitCode).toBe(6);
    expect(error.message).toContain('changed after airgap bundle');
    const missing = await expectAirgapError(
      upload({ bundleDir: join(bundle.dir, 'nope'), endpoint: s3.endpoint }),
    );
    expect(missing.message).toContain('bundle directory not found');
  });

  it('never completes an upload of an archive altered in place (same size)', async () => {
    await using tmp = await tempDir();
    for (const size of [1024, 20 * 1024 * 1024]) {
      const bundle = fakeBundleDir(tmp, size, `inplace${size}-1234567`);
      const path = join(bundle.dir, `inplace${size}-1234567.tar.gz`);
      const bytes = readFileSync(path);
      bytes[size - 10] = (bytes[size - 10] ?? 0) ^ 0xff;
      writeFileSync(path, bytes);
      const error = await expectAirgapError(
        upload({ bundleDir: bundle.dir, endpoint: s3.endpoint }),
      );
      expect(error.exitCode).toBe(6);
      expect(error.message).toContain('changed after airgap bundle');
      const head = await client()
        .send(
          new HeadObjectCommand({
            Bucket: 'acme-airgap',
            Key: `bundles/dev/inplace${size}-1234567.tar.gz`,
          }),
        )
        .then(
          () => 'exists',
          () => 'absent',
        );
      expect(head).toBe('absent');
    }
  });

  it('recovers when the connection carrying a part is killed once', async () => {
    await using tmp = await tempDir();
    const proxy = await startFlakyProxy(s3.port, /^PUT [^ ]*partNumber=2[&\s]/, 1);
    try {
      const bundle = fakeBundleDir(tmp, 20 * 1024 * 1024, 'flaky-1234567');
      const result = await upload({ bundleDir: bundle.dir, endpoint: proxy.endpoint });
      expect(proxy.killed()).toBe(1);
      expect(result.status).toBe('uploaded');
      expect(await downloadSha(result.key)).toBe(bundle.sha256);
    } finally {
      await proxy.close();
    }
  });

  it('fails cleanly with one clear error when a part can never get through', async () => {
    await using tmp = await tempDir();
    const proxy = await startFlakyProxy(s3.port, /^PUT [^ ]*partNumber=2[&\s]/, 1000);
    try {
      const bundle = fakeBundleDir(tmp, 20 * 1024 * 1024, 'doomed-1234567');
      const error = await expectAirgapError(
        upload({ bundleDir: bundle.dir, endpoint: proxy.endpoint }),
      );
      expect(error.message).toMatch(/S3|reach/);
      const head = await client()
        .send(
          new HeadObjectCommand({
            Bucket: 'acme-airgap',
            Key: 'bundles/dev/doomed-1234567.tar.gz',
          }),
        )
        .then(
          () => 'exists',
          () => 'absent',
        );
      expect(head).toBe('absent');
    } finally {
      await proxy.close();
    }
  });

  it('says which bucket is missing, and that nothing listens at a dead endpoint', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 1024, 'errors-1234567');
    const noBucket = await expectAirgapError(
      upload({ bundleDir: bundle.dir, endpoint: s3.endpoint, bucket: 'no-such-bucket' }),
    );
    expect(noBucket.exitCode).toBe(12);
    const dead = await expectAirgapError(
      upload({ bundleDir: bundle.dir, endpoint: 'http://127.0.0.1:9' }),
    );
    expect(dead.exitCode).toBe(15);
    expect(dead.message).toContain('cannot reach S3 at http://127.0.0.1:9');
  });

  it('runs from the CLI with readable output and no SDK noise', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 2 * 1024 * 1024, 'cli-1234567');
    const env = { ...LOCAL_S3_CREDENTIALS };
    const result = await runCli(['upload', bundle.dir, '--endpoint', s3.endpoint], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('uploaded s3://acme-airgap/bundles/dev/cli-1234567.tar.gz');
    const again = await runCli(['upload', bundle.dir, '--endpoint', s3.endpoint, '--json'], {
      env,
    });
    expect(JSON.parse(again.stdout)).toMatchObject({
      ok: true,
      status: 'already-uploaded',
      sha256: bundle.sha256,
    });
    const human = await runCli(['upload', bundle.dir, '--endpoint', s3.endpoint], { env });
    expect(human.stdout).toContain(
      'already uploaded s3://acme-airgap/bundles/dev/cli-1234567.tar.gz\n  sent      nothing',
    );
    // Both answers fit an 80-column terminal.
    for (const line of `${result.stdout}${human.stdout}`.split('\n'))
      expect(line.length, line).toBeLessThanOrEqual(80);
    const bad = await runCli(
      ['upload', bundle.dir, '--endpoint', s3.endpoint, '--bucket', 'missing-bucket'],
      { env },
    );
    expect(bad.code).toBe(12);
    expect(bad.stderr.trim().split('\n')).toHaveLength(2); // message + hint, no stack
  });

  it('--json carries the HeadObject check the human output reports: key, size, sha256, ETag', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 1024 * 1024, 'json-1234567');
    const env = { ...LOCAL_S3_CREDENTIALS };
    const args = ['upload', bundle.dir, '--endpoint', s3.endpoint, '--json'];
    const first = await runCli(args, { env });
    expect(first.code, first.stderr).toBe(0);
    const key = 'bundles/dev/json-1234567.tar.gz';
    const head = await client().send(new HeadObjectCommand({ Bucket: 'acme-airgap', Key: key }));
    const check = {
      request: 'HeadObject',
      bucket: 'acme-airgap',
      key,
      size: 1024 * 1024,
      sha256: bundle.sha256,
      etag: head.ETag?.replace(/"/g, ''),
      download: false,
      ok: true,
    };
    expect(check.etag).toMatch(/^[0-9a-f]{32}$/); // one PutObject: the MD5 of the bytes
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, status: 'uploaded', check });
    // Found already there, and read back: the same check, with the download said.
    const again = await runCli([...args, '--verify-download'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({
      status: 'already-uploaded',
      verifiedDownload: true,
      check: { ...check, download: true },
    });
  });

  it('serves the generated bastion download to the real aws CLI; sha256sum -c passes', async () => {
    if (!requireTool('aws')) return;
    await using repo = await opsRepo();
    setSpecEndpoint(repo.path, s3.endpoint);
    commitAll(repo.path, 'local endpoint');
    const built = await buildBundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    expect(built.record.s3.endpoint).toBe(s3.endpoint);
    await upload({ bundleDir: built.outDir });
    const home = repo.dir();
    const run = await runCollected('bash', [join(built.outDir, 'bastion.sh')], {
      cwd: home,
      env: {
        ...process.env,
        ...LOCAL_S3_CREDENTIALS,
        HOME: home,
        PATH: `${standinBin(repo, { realAws: true })}:${process.env.PATH}`,
        KUBECTL_STATE_DIR: repo.dir(),
      },
    });
    expect(run.out).toContain(`${built.record.archive.file}: OK`);
    expect(run.out).toMatch(/@@airgap\/1 end dev-topics-[0-9a-f]+ 3 extract rc=0/);
    expect(run.code, run.out).toBe(0);
  });
});
