/**
 * Writes dist/bin/, the `airgap` command (scripts/lib/bin-build.ts says what and why).
 * Runs after tsc, from dist/scripts/; refuses output that reads an undefined global.
 */
import { utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshStamp, writeStamp } from './lib/standalone-stamp.js';

/** Compiled to dist/scripts/, two levels below the project root. */
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

// As for dist/airgap.mjs: nothing esbuild read or wrote changed since the last build (npm
// pack's prepack right after a build), so dist/bin/ stands; the build scripts and the
// lockfile count too. The meta file's time is what test/setup/fresh-bin.ts compares with src/.
const stampPath = join(projectRoot, 'dist/bin.stamp.json');
const here = dirname(fileURLToPath(import.meta.url));
const always = [
  fileURLToPath(import.meta.url),
  ...['bin-build.js', 'esbuild-node.js', 'free-globals.js'].map((f) => join(here, 'lib', f)),
  join(projectRoot, 'package-lock.json'),
];
const stamp = freshStamp(stampPath, projectRoot, always);
if (stamp) {
  const now = new Date();
  utimesSync(join(projectRoot, 'dist/bin.meta.json'), now, now);
  process.stdout.write(`${stamp.summary} (unchanged, not rebuilt)\n`);
  process.exit(0);
}

try {
  const { BIN_META, buildBin } = await import('./lib/bin-build.js');
  // AIRGAP_BUILD_UNCHECKED=1: no globals check (another build checks these sources, as
  // under npm test for the README e2e's clone), and no stamp, so a later build checks.
  const unchecked = process.env.AIRGAP_BUILD_UNCHECKED === '1';
  const { bytes, files, read } = await buildBin(projectRoot, { checkGlobals: !unchecked });
  const summary = `dist/bin/ ${(bytes / 1024 / 1024).toFixed(2)} MiB in ${files} files (airgap.js, scan-worker.js and shared chunks)`;
  process.stdout.write(`${summary}\n`);
  if (!unchecked) writeStamp(stampPath, projectRoot, [...read, BIN_META], always, summary);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
