/**
 * `npm run demo`: the whole loop on this machine, no AWS account, no cluster, loopback only.
 * Laptop (git) -> S3 (s3rver) -> CloudShell and bastion (real bash on a pseudo-terminal,
 * stand-ins for docker and kubectl) -> laptop (ingest), printing what each command prints.
 */
import { rmSync } from 'node:fs';
import { runbookLine } from './lib/demo-lines.js';
import { git } from './lib/git.js';
import { runLoop } from './lib/loop.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const clean = process.argv.includes('--clean');
const started = Date.now();
let exitCode = 0;
const loop = await runLoop({ log: (line) => process.stdout.write(`${line}\n`) }).catch(
  (error: Error) => {
    process.stderr.write(`demo failed: ${error.message}\n`);
    exitCode = 1;
    return undefined;
  },
);
if (loop) {
  await loop.s3.close();
  process.stdout.write(
    `\n== Laptop: what ingest changed in the ops repo\n$ git add -N . && git diff --stat\n`,
  );
  git(loop.repo, 'add', '-N', '.');
  process.stdout.write(git(loop.repo, 'diff', '--stat'));
  const runbook = git(loop.repo, 'diff', '--name-only')
    .split('\n')
    .find((l) => l.startsWith('docs/RUNBOOKS/2'));
  process.stdout.write(`\n${runbookLine(loop.repo, runbook, clean)}\n`);
  process.stdout.write(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s; aws on the bastion: ${loop.awsUsed}\n`,
  );
  if (clean) rmSync(loop.work, { recursive: true, force: true });
  else
    process.stdout.write(
      `left for inspection: ${loop.work} (npm run demo -- --clean removes it)\n`,
    );
}
process.exit(exitCode);
