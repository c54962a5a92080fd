import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/file-order.js';
import { workerEnv } from './test/setup/worker-env.js';

/**
 * Unit test files that take seconds, not milliseconds: differential tests on generated input
 * (chunked paths against the line-by-line reference), every secret rule on hostile lines, and
 * generated bash run in real shells. They run in the `slow` project so `npm run test:fast`
 * (the `unit` project) stays a quick edit-and-check loop; `npm test` runs every project.
 * A unit file that takes over ~2 s belongs here (`.ci/run` prints the slowest tests).
 */
export const slowUnitTests = [
  'test/unit/clean.test.ts',
  // The keyword filter against the scanner on generated text.
  'test/unit/line-filter.test.ts',
  // 16 and 20 MiB archives hashed part by part (MD5 and SHA-256).
  'test/unit/multipart.test.ts',
  'test/unit/runbook-update.test.ts',
  'test/unit/scan-differential.test.ts',
  'test/unit/secrets-hostile.test.ts',
  'test/unit/sh.test.ts',
  'test/unit/simple-yaml.test.ts',
  'test/unit/spool.test.ts',
  // Builds the real line-filter table from every rule's keywords (seconds of CPU).
  'test/unit/table-cache.test.ts',
  // The skeleton loader against simpleLoadAll on 4,000 generated files.
  'test/unit/yaml-skeleton.test.ts',
];

export default defineConfig({
  test: {
    // Integration tests run real bash, git and a Node kubectl stand-in per call: on a loaded
    // 2-core machine a whole bastion run takes tens of seconds.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Temp files on tmpfs when there is one, and node children that start without parsing
      // an extra CA bundle: test/setup/worker-env.ts.
      ...workerEnv(),
    },
    // Vitest builds one threads pool from the root options, not from each project's: without
    // this, the unit project's `isolate: false` below still got a fresh worker per file, and
    // each file paid worker start and the whole module graph again (test:fast 58 s of CPU
    // instead of 14 s at load 15). Only the unit project runs in threads.
    // The slow and integration files run in forks: two of them at once (vitest's default is one
    // per core minus one, so one on the 2-core machine, and a test that waits on bash or git
    // left the other core idle), each fork kept across files so the module graph and the
    // kubectl model server start once per fork, not once per file. No test file changes
    // process-wide state it does not restore (no vi.mock, no process.chdir).
    poolOptions: { threads: { isolate: false }, forks: { isolate: false, maxForks: 2 } },
    // The longest files first by test/durations.json, on a clean clone too (test/file-order.ts).
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: slowUnitTests,
          // Unit tests share no state through modules (no vi.mock, no process.env writes), so
          // one module graph per worker instead of one per file: most of this project's time
          // was each file importing the same modules again.
          pool: 'threads',
          isolate: false,
        },
      },
      { extends: true, test: { name: 'slow', include: slowUnitTests } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          // They run dist/: under npm test built here while the unit project runs, each file
          // waiting for it; else dist/bin/ built again when src/ is newer (a tsc-only build).
          globalSetup: ['test/setup/fresh-bin.ts'],
          setupFiles: ['test/setup/wait-build.ts'],
        },
      },
    ],
  },
});
