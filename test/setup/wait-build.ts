/**
 * Run before each integration file (the project's setupFiles): under `npm test` waits for the
 * `npm run build` that test/setup/fresh-bin.ts started, so no file reads a half-written dist/.
 * A failed build fails every integration file with the end of the build's output. Run any
 * other way (no build provided) it returns at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, inject } from 'vitest';

/** Where the build writes its output, and its exit code when it ends. */
export interface TestBuild {
  log: string;
  done: string;
  /** When the build started (ms since the epoch): every file's wait ends at the same time. */
  started: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testBuild?: TestBuild;
  }
}

// A quiet build takes ~15 s and one on a loaded machine a few minutes: this bound is only for
// a build that never ends.
const WAIT_MS = 15 * 60_000;

async function waitForBuild(build: TestBuild): Promise<void> {
  // From the build's start, not the file's: a build that never ends fails each waiting file
  // by the same deadline instead of holding every file for the whole bound in turn.
  const deadline = build.started + WAIT_MS;
  while (!existsSync(build.done)) {
    if (Date.now() > deadline)
      throw new Error(`npm run build did not end in ${WAIT_MS / 60_000} min (log: ${build.log})`);
    await sleep(100);
  }
  const code = readFileSync(build.done, 'utf8');
  if (code !== '0') {
    const log = readFileSync(build.log, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`npm run build failed (exit ${code}); the end of its output:\n${log}`);
  }
}

// The README-install e2e builds a clone of its own and reads nothing of this checkout's dist/:
// it starts at once, so the longest file runs beside the build too.
const independent = ['test/e2e/readme-install.test.ts'];
const file = (expect.getState().testPath ?? '').split('\\').join('/');
const build = inject('testBuild');
if (build && !independent.some((path) => file.endsWith(`/${path}`))) await waitForBuild(build);
