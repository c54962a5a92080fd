import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../../scripts/lib/local-s3.js';
import { pasteOnTerminal, runCollected, setSpecEndpoint } from '../../scripts/lib/loop.js';
import { readRecord } from '../../src/model/record.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { fixture, opsRepo, tempDir } from '../helpers/fixtures.js';
import { commitAll, git, projectRoot, standins } from '../helpers/ops-repo.js';

/**
 * dist/airgap.mjs is what operators copy to CloudShell: every command must run from it alone.
 * Over 8 MiB an upload is multipart, the path that once read an undefined __filename; the
 * 1 GiB run is `npm run standalone` (scripts/measure-standalone.sh), too slow for CI.
 */
const ARCHIVE_MIB = 20;

let s3: LocalS3;
let repo: string;
let alone: string;
const env = () => ({ ...process.env, ...LOCAL_S3_CREDENTIALS, NO_COLOR: '1' });
const airgap = (args: string[], cwd: string) =>
  runCollected(process.execPath, [join(alone, 'airgap.mjs'), ...args], { cwd, env: env() });

const sharedRepo = fixture(() => opsRepo());
const aloneDir = fixture(() => tempDir('airgap-standalone-'));

beforeAll(async () => {
  s3 = await startLocalS3(['acme-airgap']);
  alone = aloneDir().path;
  copyFileSync(join(projectRoot, 'dist/airgap.mjs'), join(alone, 'airgap.mjs'));
  repo = sharedRepo().path;
  setSpecEndpoint(repo, s3.endpoint);
  // Random bytes do not compress: the archive is as big as the file.
  mkdirSync(join(repo, 'k8s/dev/data'));
  writeFileSync(join(repo, 'k8s/dev/data/payload.bin'), randomBytes(ARCHIVE_MIB * 1024 * 1024));
  const spec = join(repo, 'bundles/dev-topics.yaml');
  writeFileSync(
    spec,
    readFileSync(spec, 'utf8').replace(
      '  - k8s/dev/checks/topic-smoke-test.yaml\n',
      '  - k8s/dev/checks/topic-smoke-test.yaml\n  - k8s/dev/data/payload.bin\n',
    ),
  );
  commitAll(repo, 'a 20 MiB payload');
}, 60_000);
afterAll(async () => {
  await s3.close();
});

describe('node airgap.mjs, copied alone', () => {
  it('bundles, uploads a multipart archive from a directory holding nothing else, ingests, inits, discards', async () => {
    await using tmp = await tempDir();
    expect(readdirSync(alone)).toEqual(['airgap.mjs']);
    const bundled = await airgap(['bundle', 'dev-topics'], repo);
    expect(bundled.code, bundled.out).toBe(0);
    const outDir = bundled.out.trim().split('\n').at(-1)!;
    const record = await readRecord(join(outDir, 'bundle.json'));
    expect(record.archive.size).toBeGreaterThan(ARCHIVE_MIB * 1024 * 1024);
    commitAll(repo, `Prepare ${record.id}`);

    copyFileSync(join(outDir, record.archive.file), join(alone, record.archive.file));
    const uploaded = await airgap(
      ['upload', record.archive.file, '--sha256', record.archive.sha256],
      alone,
    );
    expect(uploaded.code, uploaded.out).toBe(0);
    expect(uploaded.out).toContain(`uploaded s3://acme-airgap/${record.archive.key}`);
    // A bundle upload in parts leaves no state file behind once done.
    expect(readdirSync(alone).sort()).toEqual(['airgap.mjs', record.archive.file].sort());

    const work = tmp.dir();
    const home = join(work, 'bastion-home');
    const bin = join(work, 'bin');
    mkdirSync(home);
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'aws'),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(standins, 'aws-sdk.mjs'))} "$@"\n`,
      { mode: 0o755 },
    );
    // The kubectl stand-in is a Node program beside its model (kube-model.mjs): run it where it is.
    writeFileSync(
      join(bin, 'kubectl'),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(standins, 'kubectl'))} "$@"\n`,
      { mode: 0o755 },
    );
    const transcript = join(work, 'bastion.txt');
    await pasteOnTerminal(
      bastionBlocks(record)
        .map((b) => b.code)
        .join('\n'),
      {
        ...env(),
        HOME: home,
        PATH: `${bin}:${process.env.PATH}`,
        KUBECTL_STATE_DIR: join(work, 'cluster'),
        NODE_PATH: join(projectRoot, 'node_modules'),
      },
      home,
      transcript,
    );

    const dry = await airgap(['ingest', '--dry-run', transcript], repo);
    expect(dry.code, dry.out).toBe(0);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    const ingested = await airgap(['ingest', transcript], repo);
    expect(ingested.code, ingested.out).toBe(0);
    // The status, then any notes of the row (an image not recorded in docs/ecr-manifest.md).
    expect(readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8')).toMatch(
      new RegExp(`\\| \`${record.id}\` \\| dev \\| \\*\\*deployed\\*\\*(, [^|]+)? \\|`),
    );
    const status = await airgap(['status', '--json'], repo);
    expect(status.code, status.out).toBe(0);
    commitAll(repo, `Deployed ${record.id}`);

    const other = await airgap(['bundle', 'dev-quote-service'], repo);
    expect(other.code, other.out).toBe(0);
    const otherId = (await readRecord(join(other.out.trim().split('\n').at(-1)!, 'bundle.json')))
      .id;
    commitAll(repo, `Prepare ${otherId}`);
    const discarded = await airgap(['discard', otherId, '--reason', 'superseded'], repo);
    expect(discarded.code, discarded.out).toBe(0);

    const fresh = tmp.dir();
    git(fresh, 'init', '-q', '-b', 'main');
    const init = await airgap(['init'], fresh);
    expect(init.code, init.out).toBe(0);
    expect(readdirSync(fresh)).toContain('bundles');
  }, 180_000);

  it('is the size the README states (to 0.1 MiB)', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const stated = Number(readme.match(/in one file, about (\d+\.\d) MiB/)?.[1]);
    const built = statSync(join(projectRoot, 'dist/airgap.mjs')).size / 1024 / 1024;
    expect(Math.abs(stated - built)).toBeLessThanOrEqual(0.1);
  });
});
