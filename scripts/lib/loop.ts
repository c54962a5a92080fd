import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundleRecord, readRecord } from '../../src/model/record.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { cloudshellBlocks } from '../../src/paste/cloudshell.js';
import { git } from './git.js';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from './local-s3.js';

/** The project root, whether running from src (vitest) or from dist (npm run demo). */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!readFileSafe(join(dir, 'package.json')).includes('"name": "airgap"')) dir = dirname(dir);
  return dir;
})();

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const standins = join(projectRoot, 'scripts/standins');
export function hasCommand(name: string): boolean {
  try {
    execFileSync('bash', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface LoopOptions {
  /** Make one kubectl apply fail, to show the failure path. */
  failOn?: string;
  /** Use the real aws CLI when installed (default), or the SDK stand-in. */
  realAws?: boolean;
  /**
   * The kubectl on the bastion's PATH: the stand-in by default (scripts/standins/kubectl, a
   * Node start per call); the tests pass their worker's model-server client, which answers
   * alike (test/helpers/kubectl-server.ts).
   */
  kubectl?: string;
  log?: (line: string) => void;
}

export interface CliRun {
  title: string;
  command: string;
  code: number;
  stdout: string;
  stderr: string;
}

export interface LoopResult {
  work: string;
  repo: string;
  s3: LocalS3;
  outDir: string;
  record: BundleRecord;
  bastionTranscript: string;
  cloudshellTranscript: string;
  runs: CliRun[];
  awsUsed: 'aws CLI' | 'SDK stand-in';
}

/** What users run: package.json's bin (scripts/build-bin.ts). */
const cliPath = () => join(projectRoot, 'dist/bin/airgap.js');

/** Runs the built CLI like a user, asynchronously so the in-process S3 server keeps serving. */
export function runAirgap(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Omit<CliRun, 'title'>> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath(), ...args], {
      cwd,
      env: { ...env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('close', (code) =>
      done({ command: `airgap ${args.join(' ')}`, code: code ?? 1, stdout, stderr }),
    );
  });
}

/**
 * Pastes text into an interactive shell (bash unless told) on a pseudo-terminal with an
 * EC2-style prompt, the way an operator does, and returns what the terminal recorded (CRLF,
 * echoes, escapes and all).
 */
export function pasteOnTerminal(
  typed: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  transcript: string,
  shell = 'bash --norc --noprofile -i',
): Promise<void> {
  const input = `${transcript}.typed`;
  writeFileSync(input, `${typed}\nexit\n`);
  return new Promise((done, fail) => {
    const child = spawn(
      'bash',
      [
        '-c',
        `script -q -e -c ${JSON.stringify(shell)} ${JSON.stringify(transcript)} < ${JSON.stringify(input)} > /dev/null`,
      ],
      {
        cwd,
        env: {
          ...env,
          PS1: '\\[\\e[1;32m\\][ec2-user@ip-10-0-1-23 ~]$\\[\\e[0m\\] ',
          TERM: 'xterm-256color',
        },
        stdio: 'ignore',
      },
    );
    child.on('error', fail);
    child.on('close', () => done());
  });
}

function binDir(work: string, links: Record<string, string>): string {
  const bin = join(work, `bin-${Object.keys(links).join('-')}`);
  mkdirSync(bin, { recursive: true });
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(bin, name));
  return bin;
}

/** Points the example's dev-topics spec at an S3 endpoint, as a VPC endpoint would be set. */
export function setSpecEndpoint(repo: string, endpoint: string): void {
  const specPath = join(repo, 'bundles/dev-topics.yaml');
  const before = readFileSync(specPath, 'utf8');
  const after = before.replace(
    '  region: us-east-1\nsteps',
    `  region: us-east-1\n  endpoint: ${endpoint}\nsteps`,
  );
  if (after === before) throw new Error(`${specPath}: no s3.region line to add an endpoint after`);
  writeFileSync(specPath, after);
}

/** Runs a command and collects stdout and stderr together, without blocking the event loop. */
export function runCollected(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** The whole loop on one machine: laptop, S3, CloudShell, bastion, laptop. */
export async function runLoop(options: LoopOptions = {}): Promise<LoopResult> {
  const log = options.log ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), 'airgap-demo-'));
  const repo = join(work, 'kafka-ops');
  cpSync(join(projectRoot, 'examples/kafka-ops'), repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');

  const s3 = await startLocalS3(['acme-airgap']);
  Object.assign(process.env, LOCAL_S3_CREDENTIALS);
  setSpecEndpoint(repo, s3.endpoint);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'Ops repo with DEV topics ready to ship');
  log(`ops repo:  ${repo}`);
  log(`local S3:  ${s3.endpoint}`);

  const runs: CliRun[] = [];
  const step = async (title: string, args: string[], cwd: string): Promise<CliRun> => {
    const run = { title, ...(await runAirgap(args, cwd)) };
    runs.push(run);
    log(`\n== ${title}\n$ ${run.command}\n${run.stdout}${run.stderr}`.trimEnd());
    if (run.code !== 0)
      throw new Error(`${run.command} exited with ${run.code}: ${run.stderr.trim()}`);
    return run;
  };
  await step('Laptop: what is prepared and deployed (before)', ['status'], repo);
  const bundled = await step(
    'Laptop: pack the committed topic manifests',
    ['bundle', 'dev-topics'],
    repo,
  );
  const outDir = bundled.stdout.trim().split('\n').at(-1) ?? '';
  const record = await readRecord(join(outDir, 'bundle.json'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', `Prepare ${record.id}`);
  await step(
    'Laptop: what is prepared and deployed (prepared, one image missing)',
    ['status'],
    repo,
  );
  await step('CloudShell: upload the bundle to S3 (local s3rver)', ['upload', outDir], work);
  await step('CloudShell: upload again (idempotent)', ['upload', outDir], work);

  const useRealAws = (options.realAws ?? true) && hasCommand('aws');
  const awsTarget = useRealAws
    ? execFileSync('bash', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim()
    : join(standins, 'aws-sdk.mjs');
  const bastionHome = join(work, 'bastion-home');
  mkdirSync(bastionHome, { recursive: true });
  const bastionBin = binDir(work, {
    aws: awsTarget,
    kubectl: options.kubectl ?? join(standins, 'kubectl'),
  });
  const bastionEnv = {
    ...process.env,
    ...LOCAL_S3_CREDENTIALS,
    HOME: bastionHome,
    PATH: `${bastionBin}:${process.env.PATH}`,
    KUBECTL_STATE_DIR: join(work, 'cluster'),
    NODE_PATH: join(projectRoot, 'node_modules'),
    ...(options.failOn ? { KUBECTL_FAIL_ON: options.failOn } : {}),
  };
  const bastionTranscript = join(work, 'bastion-terminal.txt');
  await pasteOnTerminal(
    bastionBlocks(record)
      .map((b) => b.code)
      .join('\n'),
    bastionEnv,
    bastionHome,
    bastionTranscript,
  );

  // CloudShell: the image block only (the upload already happened with airgap upload).
  const cloudHome = join(work, 'cloudshell-home');
  mkdirSync(cloudHome, { recursive: true });
  const cloudBin = binDir(work, {
    docker: join(standins, 'docker'),
    aws: join(standins, 'aws-ecr'),
  });
  const cloudshellTranscript = join(work, 'cloudshell-terminal.txt');
  const imageBlocks = cloudshellBlocks(record).filter((b) =>
    /^(Define the helpers|Push)/.test(b.title),
  );
  await pasteOnTerminal(
    imageBlocks.map((b) => b.code).join('\n'),
    {
      ...process.env,
      HOME: cloudHome,
      PATH: `${cloudBin}:${process.env.PATH}`,
      DOCKER_STATE_DIR: join(work, 'registry'),
    },
    cloudHome,
    cloudshellTranscript,
  );

  // The terminal's path on a line of its own: the demo's output fits an 80-column terminal.
  log(
    `\n== Bastion: the paste blocks ran on a pseudo-terminal (${useRealAws ? 'the real aws CLI' : 'an SDK stand-in for aws'})\n   terminal: ${bastionTranscript}`,
  );
  log(
    `== CloudShell: the image block ran with docker and ECR stand-ins\n   terminal: ${cloudshellTranscript}`,
  );
  await step('Laptop: ingest the CloudShell terminal', ['ingest', cloudshellTranscript], repo);
  await step('Laptop: ingest the bastion terminal', ['ingest', bastionTranscript], repo);
  await step(
    'Laptop: ingest the same paste again (changes nothing)',
    ['ingest', bastionTranscript],
    repo,
  );
  await step('Laptop: what is prepared and deployed (after)', ['status'], repo);
  return {
    work,
    repo,
    s3,
    outDir,
    record,
    bastionTranscript,
    cloudshellTranscript,
    runs,
    awsUsed: useRealAws ? 'aws CLI' : 'SDK stand-in',
  };
}
