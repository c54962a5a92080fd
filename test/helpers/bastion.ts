import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BundleResult } from '../../src/commands/bundle/bundle.js';
import { standinBin, tempDir } from './ops-repo.js';

export interface FakeBastion {
  home: string;
  kubeState: string;
  s3Root: string;
  env: NodeJS.ProcessEnv;
  objectPath: string;
}

/** A bastion: a HOME, stand-in aws (reading a local "S3" dir) and kubectl first on PATH. */
export function fakeBastion(result: BundleResult, extraEnv: NodeJS.ProcessEnv = {}): FakeBastion {
  const root = tempDir('airgap-bastion-');
  const home = join(root, 'home');
  const kubeState = join(root, 'kube');
  const s3Root = join(root, 's3');
  mkdirSync(home, { recursive: true });
  mkdirSync(kubeState, { recursive: true });
  const archive = result.record.archive!;
  const objectPath = join(s3Root, result.record.s3.bucket, archive.key);
  mkdirSync(dirname(objectPath), { recursive: true });
  copyFileSync(result.archivePath, objectPath);
  const env = {
    ...process.env,
    HOME: home,
    PATH: `${standinBin()}:${process.env.PATH}`,
    AIRGAP_FAKE_S3: s3Root,
    KUBECTL_STATE_DIR: kubeState,
    ...extraEnv,
  };
  return { home, kubeState, s3Root, env, objectPath };
}

export function runBastionScript(result: BundleResult, bastion: FakeBastion) {
  const run = spawnSync('bash', [join(result.outDir, 'bastion.sh')], {
    cwd: bastion.home,
    env: bastion.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: run.status ?? 1, output: run.stdout + run.stderr, stdout: run.stdout };
}
