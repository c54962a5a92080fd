import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitAll, git } from '../../scripts/lib/git.js';
import { hasCommand, runAirgap } from '../../scripts/lib/loop.js';
import type { TempDir } from './fixtures.js';
import { kubectlClient } from './kubectl-server.js';

export { commitAll, git, hasCommand };

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const exampleRepo = join(projectRoot, 'examples/kafka-ops');
/** What users run: package.json's bin, built by scripts/build-bin.ts. */
export const cliPath = join(projectRoot, 'dist/bin/airgap.js');
export const standins = join(projectRoot, 'scripts/standins');

/** A bin dir (in `scratch`) with the kubectl stand-in and the local aws stand-in. */
export function standinBin(scratch: TempDir, options: { realAws?: boolean } = {}): string {
  const bin = scratch.dir('airgap-bin-');
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
export function saveTranscript(
  scratch: TempDir,
  text: string | Buffer,
  name = 'paste.txt',
): string {
  const path = join(scratch.dir(), name);
  writeFileSync(path, text);
  return path;
}

/** The runbook ingest wrote for a bundle, or '' when there is none. */
export function runbookOf(repo: string, id: string): string {
  const name = readdirSync(join(repo, 'docs/RUNBOOKS')).find((f) => f.endsWith(`-${id}.md`));
  return name ? readFileSync(join(repo, 'docs/RUNBOOKS', name), 'utf8') : '';
}

/**
 * The numbers PASTE.md shows (`### 8. Unit 6 …`) for the blocks of one side that run unit n,
 * read from the sheet itself: what an operator reads there is what the runbook must say.
 */
export function pasteBlocksOf(
  outDir: string,
  n: number,
  side: 'CloudShell' | 'Bastion' = 'Bastion',
): number[] {
  const sheet = readFileSync(join(outDir, 'PASTE.md'), 'utf8');
  const section = sheet.split(/^## /m).find((s) => s.startsWith(`${side}\n`)) ?? '';
  const runs = new RegExp(`^\\s*airgap_(?:run \\S+|unit|image) ${n} `, 'm');
  return section
    .split(/^### /m)
    .flatMap((block) => (runs.test(block) ? [Number(/^(\d+)\. /.exec(block)?.[1])] : []));
}
