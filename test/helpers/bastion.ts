import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BundleResult } from '../../src/commands/bundle/bundle.js';
import type { TempDir } from './fixtures.js';
import { standinBin } from './ops-repo.js';

export interface FakeBastion {
  home: string;
  kubeState: string;
  s3Root: string;
  env: NodeJS.ProcessEnv;
  objectPath: string;
}

/**
 * A bastion in `scratch` (the test's fixture, which removes it): a HOME, stand-in aws (reading
 * a local "S3" dir) and kubectl first on PATH.
 */
export function fakeBastion(
  scratch: TempDir,
  result: BundleResult,
  extraEnv: NodeJS.ProcessEnv = {},
): FakeBastion {
  const root = scratch.dir('airgap-bastion-');
  const home = join(root, 'home');
  const kubeState = join(root, 'kube');
  const s3Root = join(root, 's3');
  mkdirSync(home, { recursive: true });
  mkdirSync(kubeState, { recursive: true });
  const archive = result.record.archive;
  const objectPath = join(s3Root, result.record.s3.bucket, archive.key);
  mkdirSync(dirname(objectPath), { recursive: true });
  copyFileSync(result.archivePath, objectPath);
  const env = {
    ...process.env,
    HOME: home,
    PATH: `${standinBin(scratch)}:${process.env.PATH}`,
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

/**
 * A file's bastion runs by bundle, for `sharedBastionRun` (`new Map()` at the top of a test
 * file: never shared across files).
 */
export type BastionRuns = Map<string, string>;

/**
 * The standard output of `result`'s bastion.sh on a fresh fake bastion in `scratch`, run once
 * per bundle (id and archive sha256) and extra environment in `runs`. Tests of one file that
 * prepare the same bundle in their own repos (one template, fixed commit dates: the same id and
 * archive) read one run: it prints what each test's own run would, but for the times, the
 * nonce and the temp paths. A bastion run is ~1 s of CPU, hundreds of processes.
 */
export function sharedBastionRun(
  runs: BastionRuns,
  scratch: TempDir,
  result: BundleResult,
  extraEnv: NodeJS.ProcessEnv = {},
): string {
  const key = JSON.stringify([result.record.id, result.record.archive.sha256, extraEnv]);
  let stdout = runs.get(key);
  if (stdout === undefined) {
    stdout = runBastionScript(result, fakeBastion(scratch, result, extraEnv)).stdout;
    runs.set(key, stdout);
  }
  return stdout;
}

/**
 * A folder holding a `date` that answers one instant (epoch seconds) whatever it is asked: put it
 * first on a bastion's PATH to give its session a time of the test's choosing.
 */
export function stoppedClock(scratch: TempDir, epochSeconds: number): string {
  const bin = scratch.dir('airgap-clock-');
  const realDate = execFileSync('bash', ['-c', 'command -v date'], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, 'date'), `#!/bin/sh\nexec ${realDate} -d @${epochSeconds} "$@"\n`);
  chmodSync(join(bin, 'date'), 0o755);
  return bin;
}

/**
 * Sessions of one bundle on a bastion whose clock stands still (`date` answers one instant) and
 * whose cluster starts empty each time, so every capture of the session prints the same.
 * `run` runs a command (bash, script(1), asciinema…) in the bastion's home with that setup.
 */
export function stoppedClockSessions(scratch: TempDir, result: BundleResult) {
  const bin = stoppedClock(scratch, 1795678062);
  const bastion = fakeBastion(scratch, result);
  const env = { ...bastion.env, PATH: `${bin}:${bastion.env.PATH}`, TERM: 'xterm' };
  return {
    script: join(result.outDir, 'bastion.sh'),
    run(command: string[]): void {
      rmSync(bastion.kubeState, { recursive: true, force: true });
      mkdirSync(bastion.kubeState, { recursive: true });
      spawnSync(command[0] ?? 'false', command.slice(1), {
        env,
        cwd: bastion.home,
        stdio: 'ignore',
      });
    },
  };
}
