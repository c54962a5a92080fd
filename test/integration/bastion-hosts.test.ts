import { spawnSync } from 'node:child_process';
import { readdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { fixture, opsRepo, type TempDir } from '../helpers/fixtures.js';
import { requireTool } from '../helpers/ops-repo.js';

/** A PATH where every tool BusyBox has is BusyBox's, plus bash for the steps. */
function busyboxPath(scratch: TempDir, standins: string, without: string[] = []): string {
  const bin = scratch.dir('airgap-busybox-');
  const applets = spawnSync('busybox', ['--list'], { encoding: 'utf8' }).stdout.split('\n');
  const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
  for (const applet of applets.filter((a) => a && !without.includes(a)))
    symlinkSync(busybox, join(bin, applet));
  const bashDir = scratch.dir('airgap-bash-');
  const bash = spawnSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();
  symlinkSync(bash, join(bashDir, 'bash'));
  return `${bin}:${standins}:${bashDir}`;
}

// One dev-topics bundle for every test: each runs it on a fresh bastion of its own (its own
// PATH, its own copy of the archive to delete); a repo and a bundle each were ~0.4 s of CPU.
const devTopics = fixture(async () => {
  const repo = await opsRepo();
  const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
  return Object.assign(repo, { result });
});

describe('bastions with BusyBox tools', () => {
  it('deploys with BusyBox sh, sha256sum, tar and gzip first on PATH', async () => {
    if (!requireTool('busybox')) return;
    const repo = devTopics();
    const { result } = repo;
    const bastion = fakeBastion(repo, result);
    const standins = (bastion.env.PATH ?? '').split(':')[0] ?? '';
    const run = runBastionScript(result, {
      ...bastion,
      env: { ...bastion.env, PATH: busyboxPath(repo, standins) },
    });
    expect(run.stdout).toContain('airgap: 4 files extracted and verified');
    expect(run.stdout).toContain('airgap: RESULT: SUCCESS');
    expect(run.code, run.output).toBe(0);
  });

  it('names the one missing tool in one line', async () => {
    if (!requireTool('busybox')) return;
    const repo = devTopics();
    const { result } = repo;
    const bastion = fakeBastion(repo, result);
    const standins = (bastion.env.PATH ?? '').split(':')[0] ?? '';
    const path = busyboxPath(repo, standins, ['sha256sum']);
    const run = runBastionScript(result, { ...bastion, env: { ...bastion.env, PATH: path } });
    const lines = run.stdout.split('\n').filter((l) => l.includes('sha256sum is not installed'));
    expect(lines).toEqual([
      'airgap: sha256sum is not installed on this host; the verify unit needs it',
    ]);
    expect(run.stdout).not.toContain('files extracted');
    expect(readdirSync(bastion.kubeState)).toEqual([]);
    expect(run.code).not.toBe(0);
  });
});

describe('a bundle not uploaded yet', () => {
  it('says what to do when S3 answers 404', async () => {
    const repo = devTopics();
    const { result } = repo;
    const bastion = fakeBastion(repo, result);
    unlinkSync(bastion.objectPath);
    const run = runBastionScript(result, bastion);
    expect(run.stdout).toContain('(404)');
    expect(run.stdout).toContain(
      'airgap: not in S3: run airgap upload (or the CloudShell block) first',
    );
    expect(run.code).not.toBe(0);
  });
});
