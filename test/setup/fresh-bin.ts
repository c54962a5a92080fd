/**
 * Integration tests run dist/ (dist/bin/ is what users run; dist/src/ the library). Two ways
 * to get it there:
 *
 * - `npm test` (AIRGAP_TEST_BUILD=1): the whole `npm run build` starts here and runs while the
 *   unit project does; the integration files wait for it (test/setup/wait-build.ts), but the
 *   README-install e2e, which builds its own clone. Built before vitest started, the build's
 *   ~15 s left a core idle (tsc is one thread), and the unit files need no dist/.
 * - A file run alone (`npx vitest run test/integration/x.test.ts`) after a tsc-only build:
 *   dist/bin/ comes from esbuild in `npm run build`, not from tsc, so the tests would run the
 *   old bin without a word. It is built again here whenever a file under src/ (or the
 *   dependencies' lock) is newer than dist/bin/'s last build. Up to date, it costs a walk of
 *   src/'s times. The undefined-globals check is left to `npm run build`.
 */
import { spawn } from 'node:child_process';
import {
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { BIN_META, buildBin } from '../../scripts/lib/bin-build.js';
import type { TestBuild } from './wait-build.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(join(projectRoot, BIN_META)).mtimeMs;
  } catch {
    return 0;
  }
}

/** Starts `npm run build`; its exit code is written to `build.done` when it ends. */
function startBuild(): { build: TestBuild; stop: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'airgap-test-build-'));
  const build: TestBuild = {
    log: join(dir, 'build.log'),
    done: join(dir, 'build.done'),
    started: Date.now(),
  };
  const out = openSync(build.log, 'w');
  // This build is the one that checks the sources under npm test (types, and globals the
  // bundles read but never define); the README-install e2e's clone build skips both: never
  // without the checks, whatever the caller's environment.
  const { AIRGAP_BUILD_UNCHECKED: _, ...env } = process.env;
  const child = spawn('npm', ['run', 'build'], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', out, out],
  });
  let ended = false;
  const end = (code: number) => {
    if (ended) return;
    ended = true;
    // Renamed into place, so a waiting file never reads it empty.
    writeFileSync(`${build.done}.tmp`, String(code));
    renameSync(`${build.done}.tmp`, build.done);
  };
  child.on('error', (error) => {
    writeFileSync(build.log, `could not start npm run build: ${error.message}\n`, { flag: 'a' });
    end(-1);
  });
  child.on('exit', (code, signal) => end(code ?? (signal ? 128 : -1)));
  return {
    build,
    stop: () => {
      if (!ended) child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.AIRGAP_TEST_BUILD === '1') {
    const { build, stop } = startBuild();
    project.provide('testBuild', build);
    return stop;
  }
  const sources = Math.max(
    newestUnder(join(projectRoot, 'src')),
    statSync(join(projectRoot, 'package-lock.json')).mtimeMs,
  );
  if (sources <= builtAt()) return;
  const { files } = await buildBin(projectRoot, { checkGlobals: false });
  process.stderr.write(`dist/bin/ was older than src/: built again (${files} files)\n`);
}
