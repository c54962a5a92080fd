/**
 * Follows the README's Install and CloudShell sections as written: the commands are read from
 * the README, so the test and the documentation cannot drift apart. A copy of the working tree
 * stands in for a fresh clone; npm's global prefix points into a temp dir.
 */
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../../scripts/lib/local-s3.js';
import { runCollected, setSpecEndpoint } from '../../scripts/lib/loop.js';
import type { BundleRecord } from '../../src/model/record.js';
import { opsRepo, type TempDir, tempDir } from '../helpers/fixtures.js';
import { commitAll, git, projectRoot, requireTool } from '../helpers/ops-repo.js';
import { storedObject } from '../helpers/s3-object.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

function bashBlocks(text: string): string[] {
  return [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

function pasteSheetBlocks(pasteSheet: string, title: string): string[] {
  const start = pasteSheet.indexOf(`\n## ${title}\n`);
  const end = pasteSheet.indexOf('\n## ', start + 1);
  return bashBlocks(pasteSheet.slice(start, end));
}

let s3: LocalS3;
const savedEnv = { ...process.env };
beforeAll(async () => {
  s3 = await startLocalS3(['acme-airgap']);
});
afterAll(async () => {
  await s3.close();
  process.env = savedEnv;
});

/** A fresh clone's files: what git tracks plus new files not ignored, from the working tree. */
function copyOfTheRepo(scratch: TempDir): string {
  const copy = join(scratch.dir('airgap-clone-'), 'airgap');
  const files = git(projectRoot, 'ls-files', '-co', '--exclude-standard', '-z')
    .split('\0')
    // node_modules is never part of a clone; a worktree's symlinked one must not be copied, or
    // npm ci in the copy would empty the original through the link.
    .filter((f) => f && f.split('/')[0] !== 'node_modules' && existsSync(join(projectRoot, f)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(projectRoot, file), join(copy, file), { verbatimSymlinks: true });
  }
  return copy;
}

function npmEnv(prefix: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...LOCAL_S3_CREDENTIALS,
    npm_config_prefix: prefix,
    npm_config_update_notifier: 'false',
    // Packages come from npm's cache when it has them, as on a laptop that installed before.
    npm_config_prefer_offline: 'true',
    // The CA bundle the caller had (vitest.config.ts clears it for the test workers), for npm's
    // registry requests.
    ...(process.env.AIRGAP_TEST_NODE_EXTRA_CA_CERTS
      ? { NODE_EXTRA_CA_CERTS: process.env.AIRGAP_TEST_NODE_EXTRA_CA_CERTS }
      : {}),
    PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
  };
}

async function bash(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  const run = await runCollected('bash', ['-e', '-c', script], { cwd, env });
  expect(run.code, `${script}\n${run.out}`).toBe(0);
  return run.out;
}

const client = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });

async function storedSha256(key: string): Promise<{ bytes: string; metadata?: string }> {
  const { sha256, metadata } = await storedObject(client(), 'acme-airgap', key);
  return { bytes: sha256, ...(metadata ? { metadata } : {}) };
}

describe('the README, followed as written', () => {
  it('installs from a clone and from the packed tarball, then uploads from "CloudShell" with airgap.mjs', async () => {
    if (!requireTool('aws') || !requireTool('zsh')) return;
    const [fromClone, fromTarball] = bashBlocks(section('Install'));
    expect(fromClone).toContain('npm link');
    expect(fromTarball).toContain('npm install -g');
    // A clone with node_modules and two npm prefixes: removed asynchronously (the fixture's
    // dispose), so the test worker keeps answering meanwhile.
    await using big = await tempDir('airgap-install-');
    const clone = copyOfTheRepo(big);

    const linkPrefix = big.dir('airgap-npm-link-');
    // The clone's `npm run build` writes the same files without its checks: no type check
    // (tsc --noCheck, ~6-7 s of CPU) and no parse of dist/airgap.mjs and dist/bin/ for
    // undefined globals (~6 s). These sources are checked by the build npm test runs for
    // every other integration file (test/setup/fresh-bin.ts: a failed check fails them all),
    // and types again by `npm run typecheck` in CI: a second time here proves nothing new.
    const cloneOut = await bash(fromClone!, clone, {
      ...npmEnv(linkPrefix),
      AIRGAP_BUILD_UNCHECKED: '1',
    });
    expect(cloneOut).toContain('Usage: airgap');
    expect(cloneOut).toMatch(/dist\/airgap\.mjs \d+\.\d\d MiB/);
    expect(cloneOut).not.toMatch(/npm warn/i);
    expect(lstatSync(join(linkPrefix, 'lib/node_modules/airgap')).isSymbolicLink()).toBe(true);

    const globalPrefix = big.dir('airgap-npm-global-');
    const env = npmEnv(globalPrefix);
    // The clone's dist/ is built by the block above. npm pack's prepack (npm run build) would
    // only check it again, ~2-3 s of CPU for nothing; npm install -g runs no script either way
    // (the only install script in the lock is esbuild's, a dev dependency).
    const tarballOut = await bash(fromTarball!, clone, {
      ...env,
      npm_config_ignore_scripts: 'true',
    });
    const version = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version;
    expect(tarballOut.trim().split('\n').at(-1)).toBe(version);
    expect(tarballOut).not.toMatch(/npm warn/i);
    const installed = join(globalPrefix, 'lib/node_modules/airgap');
    expect(lstatSync(installed).isDirectory()).toBe(true);

    // The laptop: bundle with the installed airgap.
    await using repo = await opsRepo();
    setSpecEndpoint(repo.path, s3.endpoint);
    commitAll(repo.path, 'local endpoint');
    const out = repo.dir();
    const bundled = await bash('airgap bundle dev-topics --out "$OUT" --json', repo.path, {
      ...env,
      OUT: out,
    });
    const { bundleId, outDir, sha256 } = JSON.parse(bundled) as {
      bundleId: string;
      outDir: string;
      sha256: string;
    };
    const record = JSON.parse(readFileSync(join(outDir, 'bundle.json'), 'utf8')) as BundleRecord;

    // CloudShell: two uploaded files in an otherwise empty home.
    const home = repo.dir('airgap-cloudshell-home-');
    copyFileSync(join(outDir, `${bundleId}.tar.gz`), join(home, `${bundleId}.tar.gz`));
    const standalone = (
      await bash('printf %s "$(npm root -g)/airgap/dist/airgap.mjs"', home, env)
    ).trim();
    copyFileSync(standalone, join(home, 'airgap.mjs'));
    const cloudEnv = { ...process.env, ...LOCAL_S3_CREDENTIALS, HOME: home };
    const [readmeCommand] = bashBlocks(section('CloudShell'));
    const uploaded = await bash(
      readmeCommand!.replaceAll('<bundle-id>', bundleId).replaceAll('<sha256>', sha256),
      home,
      cloudEnv,
    );
    expect(uploaded).toContain(`uploaded s3://acme-airgap/${record.archive.key}`);
    expect(await storedSha256(record.archive.key)).toEqual({ bytes: sha256, metadata: sha256 });

    // PASTE.md's CloudShell section up to the airgap block (helpers first), in zsh from
    // another directory.
    for (const key of [record.archive.key, `${record.archive.key}.sha256`])
      await client().send(new DeleteObjectCommand({ Bucket: 'acme-airgap', Key: key }));
    const sheet = pasteSheetBlocks(readFileSync(join(outDir, 'PASTE.md'), 'utf8'), 'CloudShell');
    const upTo = sheet.findIndex((b) => b.includes('airgap_mjs_upload'));
    expect(upTo).toBeGreaterThan(0);
    const pasted = await runCollected('zsh', ['-f', '-c', sheet.slice(0, upTo + 1).join('\n')], {
      cwd: repo.dir(),
      env: cloudEnv,
    });
    expect(pasted.out).toMatch(new RegExp(`@@airgap/1 end ${bundleId} 1 upload rc=0 `));
    expect(await storedSha256(record.archive.key)).toEqual({ bytes: sha256, metadata: sha256 });
  }, 900_000);
});
