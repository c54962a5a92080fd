import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../../scripts/lib/local-s3.js';
import { pasteOnTerminal, runCollected, setSpecEndpoint } from '../../scripts/lib/loop.js';
import { bundle as buildBundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { upload } from '../../src/commands/upload/upload.js';
import type { BundleRecord } from '../../src/model/record.js';
import { cloudshellBlocks } from '../../src/paste/cloudshell.js';
import { expectAirgapError } from '../helpers/errors.js';
import { fixture, opsRepo, tempDir } from '../helpers/fixtures.js';
import { commitAll, projectRoot, requireTool } from '../helpers/ops-repo.js';
import { storedObject } from '../helpers/s3-object.js';

let s3: LocalS3;
let repo: string;
let record: BundleRecord;
let archivePath: string;
const savedEnv = { ...process.env };
const ops = fixture(() => opsRepo());

beforeAll(async () => {
  Object.assign(process.env, LOCAL_S3_CREDENTIALS);
  s3 = await startLocalS3(['acme-airgap']);
  repo = ops().path;
  setSpecEndpoint(repo, s3.endpoint);
  commitAll(repo, 'local endpoint');
  const built = await buildBundle({ spec: 'dev-topics', repo, out: ops().dir() });
  commitAll(repo, 'prepared');
  record = built.record;
  archivePath = built.archivePath;
});
afterAll(async () => {
  await s3.close();
  process.env = savedEnv;
});

const client = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });

function stored(key: string) {
  return storedObject(client(), 'acme-airgap', key);
}

async function removeUploaded(): Promise<void> {
  const key = record.archive.key;
  for (const k of [key, `${key}.sha256`])
    await client().send(new DeleteObjectCommand({ Bucket: 'acme-airgap', Key: k }));
}

async function absent(key: string): Promise<boolean> {
  return client()
    .send(new HeadObjectCommand({ Bucket: 'acme-airgap', Key: key }))
    .then(
      () => false,
      () => true,
    );
}

const block = (title: string) => cloudshellBlocks(record).find((b) => b.title.includes(title))!;
/** A block as pasted after the helper blocks that define the functions it calls. */
const pasted = (title: string) =>
  [
    ...cloudshellBlocks(record).filter((b) => b.title.startsWith('Define the helpers')),
    block(title),
  ]
    .map((b) => b.code)
    .join('\n');
const env = () => ({ ...process.env, ...LOCAL_S3_CREDENTIALS });

describe('CloudShell blocks, as CloudShell is (one uploaded file in ~, bash or zsh)', () => {
  const cases = [
    { shell: 'bash', command: 'bash --norc --noprofile -i', where: 'the current directory' },
    { shell: 'zsh', command: 'zsh -f -i', where: 'the home directory' },
  ];
  for (const { shell, command, where } of cases) {
    it(`the fallback block pasted into interactive ${shell} finds the archive in ${where} and uploads it with the real aws CLI`, async () => {
      await using tmp = await tempDir();
      if (!requireTool('aws') || !requireTool(shell) || !requireTool('script')) return;
      await removeUploaded();
      const home = tmp.dir();
      const cwd = where === 'the home directory' ? tmp.dir() : home;
      copyFileSync(archivePath, join(home, record.archive.file));
      const transcript = join(tmp.dir(), `cloudshell-${shell}.txt`);
      await pasteOnTerminal(pasted('fallback'), { ...env(), HOME: home }, cwd, transcript, command);
      const out = readFileSync(transcript, 'utf8');
      expect(out).toContain(`${record.archive.file}: OK`);
      expect(out).toMatch(
        new RegExp(`@@airgap/1 end ${record.id} 1 upload rc=0 \\d+ s=[0-9a-f]{8}\\r?\\n`),
      );
      const archive = await stored(record.archive.key);
      expect(archive.sha256).toBe(record.archive.sha256);
      expect(archive.metadata).toBe(record.archive.sha256);
      const sidecar = await stored(`${record.archive.key}.sha256`);
      expect(sidecar.text).toBe(`${record.archive.sha256}  ${record.archive.file}\n`);

      const ingested = await ingest({ transcript, repo });
      expect(ingested.status).toBeUndefined(); // CloudShell units do not decide the outcome
      // Recorded in the runbook's CloudShell section, outside the bastion counts.
      expect(ingested.changed).toContain(ingested.runbook);
      const runbook = readFileSync(join(repo, ingested.runbook), 'utf8');
      expect(runbook).toContain('### Upload the bundle to S3');
      expect(runbook).toContain(`${record.archive.file}: OK`);
    });
  }

  it('refuses an archive that is not the one in the block, before sending anything; set -eC shells survive', async () => {
    await using tmp = await tempDir();
    if (!requireTool('aws')) return;
    await removeUploaded();
    const home = tmp.dir();
    writeFileSync(join(home, record.archive.file), 'not the archive');
    const run = await runCollected(
      'bash',
      ['-c', `set -eC\n${pasted('fallback')}\necho shell-alive`],
      { cwd: home, env: { ...env(), HOME: home } },
    );
    expect(run.out).toContain('CHECKSUM MISMATCH');
    expect(run.out).toMatch(new RegExp(`@@airgap/1 end ${record.id} 1 upload rc=1 `));
    expect(run.out).toContain('shell-alive');
    expect(await absent(record.archive.key)).toBe(true);

    const nowhere = await runCollected('zsh', ['-f', '-c', pasted('fallback')], {
      cwd: tmp.dir(),
      env: { ...env(), HOME: tmp.dir() },
    });
    expect(nowhere.out).toContain(`airgap: missing file: ${record.archive.file} is in neither`);
    expect(nowhere.out).toMatch(/upload rc=1 /);
  });

  it('dist/airgap.mjs copied alone runs --version, and block 1 uploads the archive with it', async () => {
    await using tmp = await tempDir();
    await removeUploaded();
    const home = tmp.dir();
    copyFileSync(join(projectRoot, 'dist/airgap.mjs'), join(home, 'airgap.mjs'));
    const version = await runCollected(process.execPath, ['airgap.mjs', '--version'], {
      cwd: home,
      env: env(),
    });
    expect(version.out.trim()).toBe(
      JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version,
    );
    copyFileSync(archivePath, join(home, record.archive.file));
    const run = await runCollected('bash', ['-c', pasted('with airgap')], {
      cwd: home,
      env: { ...env(), HOME: home },
    });
    expect(run.out).toContain(`uploaded s3://acme-airgap/${record.archive.key}`);
    expect(run.out).toMatch(new RegExp(`@@airgap/1 end ${record.id} 1 upload rc=0 `));
    const archive = await stored(record.archive.key);
    expect(archive.sha256).toBe(record.archive.sha256);
    expect(archive.metadata).toBe(record.archive.sha256);
  });
});

describe('airgap upload of the archive alone', () => {
  it('checks it against --sha256 or a sidecar, reads S3 settings from inside it, tar.gz and zip', async () => {
    await using tmp = await tempDir();
    await removeUploaded();
    const dir = tmp.dir();
    const alone = join(dir, 'renamed-by-the-browser.tar.gz');
    copyFileSync(archivePath, alone);
    const first = await upload({ bundleDir: alone, sha256: record.archive.sha256 });
    expect(first.status).toBe('uploaded');
    expect(first.key).toBe(record.archive.key);
    expect((await stored(record.archive.key)).sha256).toBe(record.archive.sha256);
    expect((await stored(`${record.archive.key}.sha256`)).text).toBe(
      `${record.archive.sha256}  ${record.archive.file}\n`,
    );

    const noSha = await expectAirgapError(upload({ bundleDir: alone }));
    expect(noSha.exitCode).toBe(2);
    expect(noSha.hint).toContain('--sha256');
    writeFileSync(`${alone}.sha256`, `${record.archive.sha256}  x\n`);
    expect((await upload({ bundleDir: alone })).status).toBe('already-uploaded');

    const notHex = await expectAirgapError(upload({ bundleDir: alone, sha256: 'abc' }));
    expect(notHex.exitCode).toBe(2);
    const wrong = await expectAirgapError(upload({ bundleDir: alone, sha256: '0'.repeat(64) }));
    expect(wrong.exitCode).toBe(6);
    const dirMismatch = await expectAirgapError(
      upload({ bundleDir: join(archivePath, '..'), sha256: '0'.repeat(64) }),
    );
    expect(dirMismatch.exitCode).toBe(6);

    const notAnArchive = join(dir, 'notes.txt');
    writeFileSync(notAnArchive, 'hello');
    const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    const neither = await expectAirgapError(
      upload({ bundleDir: notAnArchive, sha256: sha(notAnArchive) }),
    );
    expect(neither.message).toContain('neither a tar.gz nor a zip');
    const foreign = join(dir, 'foreign.tar.gz');
    execFileSync('tar', ['-czf', foreign, '-C', dir, 'notes.txt']);
    const noManifest = await expectAirgapError(
      upload({ bundleDir: foreign, sha256: sha(foreign) }),
    );
    expect(noManifest.message).toContain('holds no bundle.json');
    expect(noManifest.exitCode).toBe(6);

    const zipped = await buildBundle({ spec: 'dev-topics', repo, out: tmp.dir(), format: 'zip' });
    const zipAlone = join(tmp.dir(), 'z.zip');
    copyFileSync(zipped.archivePath, zipAlone);
    const zip = await upload({ bundleDir: zipAlone, sha256: zipped.record.archive.sha256 });
    expect(zip.key).toBe(zipped.record.archive.key);
    expect((await stored(zip.key)).sha256).toBe(zipped.record.archive.sha256);
  });
});
