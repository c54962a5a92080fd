import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitAll, git } from '../../scripts/lib/git.js';
import { hasCommand, runAirgap } from '../../scripts/lib/loop.js';
import { kubectlClient } from './kubectl-server.js';

export { commitAll, git, hasCommand };

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const exampleRepo = join(projectRoot, 'examples/kafka-ops');
/** What users run: package.json's bin, built by scripts/build-bin.ts. */
export const cliPath = join(projectRoot, 'dist/bin/airgap.js');
export const standins = join(projectRoot, 'scripts/standins');

const tempDirs: string[] = [];

export function tempDir(prefix = 'airgap-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh, committed copy of examples/kafka-ops. */
export function makeOpsRepo(): string {
  const repo = join(tempDir('airgap-ops-'), 'kafka-ops');
  cpSync(exampleRepo, repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  commitAll(repo, 'Initial ops repo');
  return repo;
}

/** A bin dir with the kubectl stand-in and the local aws stand-in first on PATH. */
export function standinBin(options: { realAws?: boolean } = {}): string {
  const bin = tempDir('airgap-bin-');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'kubectl'), kubectlClient(standins), { mode: 0o755 });
  if (!options.realAws) symlinkSync(join(standins, 'aws-local'), join(bin, 'aws'));
  return bin;
}

/** Runs the built CLI as a user would. Async, so servers in this process keep answering. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  return runAirgap(args, options.cwd ?? projectRoot, { ...process.env, ...options.env });
}

/** Under CI a missing system tool is a failure, never a silent skip. */
export function requireTool(name: string): boolean {
  if (hasCommand(name)) return true;
  if (process.env.CI === 'true')
    throw new Error(`${name} is required under CI=true but is not installed`);
  return false;
}

/** Writes a terminal copy to a temp file for `airgap ingest`, as an operator saves a paste. */
export function saveTranscript(text: string | Buffer, name = 'paste.txt'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** The runbook ingest wrote for a bundle, or '' when there is none. */
export function runbookOf(repo: string, id: string): string {
  const name = readdirSync(join(repo, 'docs/RUNBOOKS')).find((f) => f.endsWith(`-${id}.md`));
  return name ? readFileSync(join(repo, 'docs/RUNBOOKS', name), 'utf8') : '';
}
