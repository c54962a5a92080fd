import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { AirgapError } from '../../src/errors.js';
import { bastionScript } from '../../src/paste/bastion.js';
import { type FakeBastion, fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo, type TempDir, tempDir } from '../helpers/fixtures.js';
import { commitAll, requireTool, standins } from '../helpers/ops-repo.js';

function keypair(
  scratch: TempDir,
  name: string,
  type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519',
): { key: string; pub: string } {
  const dir = scratch.dir();
  const key = join(dir, name);
  const bits = type === 'ecdsa' ? ['-b', '256'] : type === 'rsa' ? ['-b', '2048'] : [];
  execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', name, '-f', key]);
  return { key, pub: readFileSync(`${key}.pub`, 'utf8').trim() };
}

/** An ops repo whose dev-topics spec requires a signature by ops@example.com. */
async function signedRepo(trusted: { pub: string }): Promise<OpsRepo> {
  const repo = await opsRepo();
  writeFileSync(
    join(repo.path, 'allowed_signers'),
    `ops@example.com ${trusted.pub.split(' ').slice(0, 2).join(' ')}\n`,
  );
  const spec = join(repo.path, 'bundles/dev-topics.yaml');
  writeFileSync(
    spec,
    `${readFileSync(spec, 'utf8')}signing:\n  identity: ops@example.com\n  allowedSigners: allowed_signers\n`,
  );
  commitAll(repo.path, 'require signed bundles');
  return repo;
}

/** dev-topics bundled from `repo` into a new dir in `scratch`, signed with `signer`'s key. */
function signedBundle(scratch: TempDir, repo: OpsRepo, signer: { key: string }) {
  return bundle({ spec: 'dev-topics', repo: repo.path, out: scratch.dir(), signKey: signer.key });
}

describe('signed bundles with ssh-keygen', () => {
  it('signs on the laptop and verifies on the bastion before extracting', async () => {
    await using tmp = await tempDir();
    if (!requireTool('ssh-keygen')) return;
    const trusted = keypair(tmp, 'ops');
    await using repo = await signedRepo(trusted);
    const result = await signedBundle(tmp, repo, trusted);
    expect(existsSync(`${result.archivePath}.sig`)).toBe(true);
    expect(result.record.signature?.identity).toBe('ops@example.com');
    const run = runBastionScript(result, fakeBastion(tmp, result));
    expect(run.stdout).toContain('Good "airgap-bundle" signature for ops@example.com');
    expect(run.code, run.output).toBe(0);
  });

  it('refuses to bundle without a key when the spec requires one, and with an untrusted key', async () => {
    await using tmp = await tempDir();
    if (!requireTool('ssh-keygen')) return;
    const trusted = keypair(tmp, 'ops');
    await using repo = await signedRepo(trusted);
    const missing = await bundle({ spec: 'dev-topics', repo: repo.path, out: tmp.dir() }).catch(
      (e: unknown) => e,
    );
    expect((missing as AirgapError).message).toContain('requires a signed bundle');
    const stranger = keypair(tmp, 'stranger');
    const untrusted = await signedBundle(tmp, repo, stranger).catch((e: unknown) => e);
    expect(untrusted).toBeInstanceOf(AirgapError);
    expect((untrusted as AirgapError).message).toContain('does not verify against allowed_signers');
  });

  it('stops on the bastion, before extraction, when the signature is not from a pinned signer', async () => {
    await using tmp = await tempDir();
    if (!requireTool('ssh-keygen')) return;
    const trusted = keypair(tmp, 'ops');
    await using repo = await signedRepo(trusted);
    const result = await signedBundle(tmp, repo, trusted);
    const bastion = fakeBastion(tmp, result);
    // The bastion pins its own signers: the laptop's key is not among them.
    const other = keypair(tmp, 'other');
    execFileSync('mkdir', ['-p', join(bastion.home, 'airgap')]);
    writeFileSync(
      join(bastion.home, 'airgap/allowed_signers'),
      `ops@example.com ${other.pub.split(' ').slice(0, 2).join(' ')}\n`,
    );
    const run = runBastionScript(result, bastion);
    expect(run.stdout).toContain('BAD SIGNATURE');
    expect(run.code).not.toBe(0);
    expect(existsSync(join(bastion.home, 'airgap', result.record.id, 'root'))).toBe(false);
    expect(existsSync(join(bastion.kubeState, 'calls.log'))).toBe(false);
  });
});

/** Amazon Linux 2: OpenSSH 7.4 (no -Y) and OpenSSL 1.0.2 (no Ed25519), as stand-ins. */
function amazonLinux2(scratch: TempDir, result: Awaited<ReturnType<typeof bundle>>): FakeBastion {
  const bastion = fakeBastion(scratch, result);
  const old = `${join(standins, 'openssh-7.4')}:${join(standins, 'openssl-1.0.2')}`;
  return { ...bastion, env: { ...bastion.env, PATH: `${old}:${bastion.env.PATH}` } };
}

function pin(bastion: FakeBastion, signer: { pub: string }): void {
  mkdirSync(join(bastion.home, 'airgap'), { recursive: true });
  writeFileSync(
    join(bastion.home, 'airgap/allowed_signers'),
    `ops@example.com ${signer.pub.split(' ').slice(0, 2).join(' ')}\n`,
  );
}

function extractedNothing(result: { record: { id: string } }, bastion: FakeBastion): void {
  expect(existsSync(join(bastion.home, 'airgap', result.record.id, 'root'))).toBe(false);
  expect(existsSync(join(bastion.kubeState, 'calls.log'))).toBe(false);
}

describe('a bastion with OpenSSH 7.4 and OpenSSL 1.0.2 (Amazon Linux 2)', () => {
  it.each(['ecdsa', 'rsa'] as const)(
    'deploys a bundle signed with an %s key, checked by openssl dgst -verify',
    async (type) => {
      await using tmp = await tempDir();
      if (!requireTool('ssh-keygen') || !requireTool('openssl')) return;
      const trusted = keypair(tmp, 'ops', type);
      await using repo = await signedRepo(trusted);
      const result = await signedBundle(tmp, repo, trusted);
      const bastion = amazonLinux2(tmp, result);
      const run = runBastionScript(result, bastion);
      expect(run.stdout).toContain(`openssl dgst -${type === 'rsa' ? 'sha512' : 'sha256'} -verify`);
      expect(run.stdout).toContain('Verified OK');
      expect(run.stdout).toContain('good signature by ops@example.com (OpenSSL');
      expect(run.stdout).toContain('files extracted and verified');
      expect(run.code, run.output).toBe(0);
      // The same bundle on a host pinning the same signer: still good.
      const pinned = amazonLinux2(tmp, result);
      pin(pinned, trusted);
      expect(runBastionScript(result, pinned).code).toBe(0);
    },
  );

  it('stops before extraction for a signer not pinned, a changed archive, a changed signature', async () => {
    await using tmp = await tempDir();
    if (!requireTool('ssh-keygen') || !requireTool('openssl')) return;
    const trusted = keypair(tmp, 'ops', 'ecdsa');
    await using repo = await signedRepo(trusted);
    const result = await signedBundle(tmp, repo, trusted);

    const otherSigner = amazonLinux2(tmp, result);
    pin(otherSigner, keypair(tmp, 'other', 'ecdsa'));
    const refused = runBastionScript(result, otherSigner);
    expect(refused.stdout).toContain('BAD SIGNATURE');
    expect(refused.stdout).not.toContain('Verified OK');
    expect(refused.code).not.toBe(0);
    extractedNothing(result, otherSigner);

    // Whoever changes the archive also changes the sheet's sha256; the pinned signer stops it.
    const archive = result.record.archive;
    const changed = amazonLinux2(tmp, result);
    pin(changed, trusted);
    writeFileSync(
      changed.objectPath,
      Buffer.concat([readFileSync(result.archivePath), Buffer.from('x')]),
    );
    const changedSha = createHash('sha256').update(readFileSync(changed.objectPath)).digest('hex');
    const script = join(result.outDir, 'bastion.sh');
    const original = readFileSync(script, 'utf8');
    writeFileSync(
      script,
      bastionScript({ ...result.record, archive: { ...archive, sha256: changedSha } }),
    );
    const changedRun = runBastionScript(result, changed);
    expect(changedRun.stdout).not.toContain('CHECKSUM MISMATCH');
    expect(changedRun.stdout).toContain('BAD SIGNATURE');
    expect(changedRun.code).not.toBe(0);
    extractedNothing(result, changed);

    // A signature by another key over the same archive, swapped into the sheet.
    const stranger = keypair(tmp, 'stranger', 'ecdsa');
    const strangerSig = join(tmp.dir(), 'archive');
    writeFileSync(strangerSig, readFileSync(result.archivePath));
    execFileSync('ssh-keygen', [
      '-Y',
      'sign',
      '-q',
      '-f',
      stranger.key,
      '-n',
      'airgap-bundle',
      strangerSig,
    ]);
    const swapped = {
      ...result.record,
      signature: { ...result.record.signature!, sig: readFileSync(`${strangerSig}.sig`, 'utf8') },
    };
    writeFileSync(script, bastionScript(swapped));
    const swappedHost = amazonLinux2(tmp, result);
    const swappedRun = runBastionScript(result, swappedHost);
    expect(swappedRun.stdout).toContain('openssl dgst -sha256 -verify');
    expect(swappedRun.stdout).toContain('BAD SIGNATURE');
    expect(swappedRun.code).not.toBe(0);
    extractedNothing(result, swappedHost);
    writeFileSync(script, original);
  });

  it('names the fix for an Ed25519 signature: an ECDSA/RSA key or OpenSSH ≥ 8.1', async () => {
    await using tmp = await tempDir();
    if (!requireTool('ssh-keygen')) return;
    const trusted = keypair(tmp, 'ops');
    await using repo = await signedRepo(trusted);
    const result = await signedBundle(tmp, repo, trusted);
    const bastion = amazonLinux2(tmp, result);
    const run = runBastionScript(result, bastion);
    expect(run.stdout).toContain('OpenSSH ≥ 8.1 needed to verify an Ed25519 signature here');
    expect(run.stdout).toContain('sign with an ECDSA P-256 or RSA key');
    expect(run.stdout).not.toContain('BAD SIGNATURE');
    expect(run.stdout).not.toContain('files extracted');
    expect(run.code).not.toBe(0);
    extractedNothing(result, bastion);
  });
});
