import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle.js';
import { AirgapError } from '../../src/errors.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import {
  cleanupTempDirs,
  commitAll,
  makeOpsRepo,
  requireTool,
  tempDir,
} from '../helpers/ops-repo.js';

afterAll(cleanupTempDirs);

function keypair(name: string): { key: string; pub: string } {
  const dir = tempDir();
  const key = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  return { key, pub: readFileSync(`${key}.pub`, 'utf8').trim() };
}

/** An ops repo whose dev-topics spec requires a signature by ops@example.com. */
function signedRepo(trusted: { pub: string }): string {
  const repo = makeOpsRepo();
  writeFileSync(
    join(repo, 'allowed_signers'),
    `ops@example.com ${trusted.pub.split(' ').slice(0, 2).join(' ')}\n`,
  );
  const spec = join(repo, 'bundles/dev-topics.yaml');
  writeFileSync(
    spec,
    `${readFileSync(spec, 'utf8')}signing:\n  identity: ops@example.com\n  allowedSigners: allowed_signers\n`,
  );
  commitAll(repo, 'require signed bundles');
  return repo;
}

describe('signed bundles with ssh-keygen', () => {
  it('signs on the laptop and verifies on the bastion before extracting', async () => {
    if (!requireTool('ssh-keygen')) return;
    const trusted = keypair('ops');
    const repo = signedRepo(trusted);
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir(), signKey: trusted.key });
    expect(existsSync(`${result.archivePath}.sig`)).toBe(true);
    expect(result.record.signature?.identity).toBe('ops@example.com');
    const run = runBastionScript(result, fakeBastion(result));
    expect(run.stdout).toContain('Good "airgap-bundle" signature for ops@example.com');
    expect(run.code, run.output).toBe(0);
  });

  it('refuses to bundle without a key when the spec requires one, and with an untrusted key', async () => {
    if (!requireTool('ssh-keygen')) return;
    const trusted = keypair('ops');
    const repo = signedRepo(trusted);
    const missing = await bundle({ spec: 'dev-topics', repo, out: tempDir() }).catch(
      (e: unknown) => e,
    );
    expect((missing as AirgapError).message).toContain('requires a signed bundle');
    const stranger = keypair('stranger');
    const untrusted = await bundle({
      spec: 'dev-topics',
      repo,
      out: tempDir(),
      signKey: stranger.key,
    }).catch((e: unknown) => e);
    expect(untrusted).toBeInstanceOf(AirgapError);
    expect((untrusted as AirgapError).message).toContain('does not verify against allowed_signers');
  });

  it('stops on the bastion, before extraction, when the signature is not from a pinned signer', async () => {
    if (!requireTool('ssh-keygen')) return;
    const trusted = keypair('ops');
    const repo = signedRepo(trusted);
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir(), signKey: trusted.key });
    const bastion = fakeBastion(result);
    // The bastion pins its own signers: the laptop's key is not among them.
    const other = keypair('other');
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

describe('a bastion with OpenSSH older than 8.1', () => {
  it('says OpenSSH ≥ 8.1 is needed instead of blaming the signature, and extracts nothing', async () => {
    if (!requireTool('ssh-keygen')) return;
    const trusted = keypair('ops');
    const repo = signedRepo(trusted);
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir(), signKey: trusted.key });
    // OpenSSH 7.4 (Amazon Linux 2) has no -Y: its ssh-keygen answers like this.
    const bin = tempDir();
    writeFileSync(
      join(bin, 'ssh-keygen'),
      '#!/bin/sh\necho "unknown option -- Y" >&2\necho "usage: ssh-keygen [-q] [-b bits] [-t dsa | ecdsa | ed25519 | rsa]" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const bastion = fakeBastion(result);
    const run = runBastionScript(result, {
      ...bastion,
      env: { ...bastion.env, PATH: `${bin}:${bastion.env.PATH}` },
    });
    expect(run.stdout).toContain('OpenSSH ≥ 8.1 needed to verify signatures on this host');
    expect(run.stdout).not.toContain('BAD SIGNATURE');
    expect(run.stdout).not.toContain('files extracted');
    expect(existsSync(join(bastion.kubeState, 'calls.log'))).toBe(false);
    expect(run.code).not.toBe(0);
  });
});
