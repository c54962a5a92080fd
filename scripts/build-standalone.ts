/**
 * Writes dist/airgap.mjs: the CLI with every dependency (the AWS SDK included) in one file,
 * so `node airgap.mjs <command>` runs where nothing is installed, such as CloudShell.
 * Runs after tsc, from dist/scripts/; esbuild is a build-time dev dependency only.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshStamp, writeStamp } from './lib/standalone-stamp.js';

/** Compiled to dist/scripts/, two levels below the project root. */
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Above this the bundle has pulled in something it should not (a whole SDK, a test tool). */
const MAX_BYTES = 2 * 1024 * 1024;

const outfile = join(projectRoot, 'dist/airgap.mjs');
// Nothing esbuild would read changed since the last build: the file stands (npm pack's
// prepack right after a build). The script, its esbuild options and global check, and the
// lockfile count too.
const stampPath = join(projectRoot, 'dist/airgap.mjs.stamp.json');
const here = dirname(fileURLToPath(import.meta.url));
const always = [
  fileURLToPath(import.meta.url),
  join(here, 'lib/esbuild-node.js'),
  join(here, 'lib/free-globals.js'),
  join(projectRoot, 'package-lock.json'),
  outfile,
];
const stamp = freshStamp(stampPath, projectRoot, always);
if (stamp) {
  process.stdout.write(`${stamp.summary} (unchanged, not rebuilt)\n`);
  process.exit(0);
}
// Loaded only to build: esbuild, and TypeScript's parser behind the global check.
const { build } = await import('esbuild');
const { NODE_ESM_OPTIONS, undefinedGlobalsIn } = await import('./lib/esbuild-node.js');
const result = await build({
  absWorkingDir: projectRoot,
  metafile: true,
  entryPoints: [join(projectRoot, 'src/cli/main.ts')],
  outfile,
  ...NODE_ESM_OPTIONS,
  minify: true,
});
// A global read but never defined throws only when its code path runs: refuse the build.
// AIRGAP_BUILD_UNCHECKED=1 (a build whose sources another build checks, such as the README
// e2e's clone under npm test) skips that parse, most of this script's CPU, and the stamp.
const unchecked = process.env.AIRGAP_BUILD_UNCHECKED === '1';
const undefinedGlobal = unchecked ? undefined : undefinedGlobalsIn(outfile, 'dist/airgap.mjs');
if (undefinedGlobal) {
  process.stderr.write(`${undefinedGlobal}\n`);
  process.exit(1);
}
const size = statSync(outfile).size;
// Output paths in the metafile are relative to the working directory.
const output = Object.entries(result.metafile.outputs).find(([path]) =>
  path.endsWith('airgap.mjs'),
);
const sdkBytes = Object.entries(output?.[1].inputs ?? {})
  .filter(([path]) => /node_modules\/@(aws-sdk|smithy|aws-crypto)\//.test(path))
  .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
const summary = `dist/airgap.mjs ${(size / 1024 / 1024).toFixed(2)} MiB (one file, no node_modules; the AWS SDK is ${Math.round(sdkBytes / 1024)} KiB of it)`;
process.stdout.write(`${summary}\n`);
if (size > MAX_BYTES) {
  process.stderr.write(
    `dist/airgap.mjs is over ${MAX_BYTES / 1024 / 1024} MiB: a dependency pulls in more than it should\n`,
  );
  process.exit(1);
}
// Only a file that passed both checks is stamped.
if (!unchecked)
  writeStamp(stampPath, projectRoot, Object.keys(result.metafile.inputs), always, summary);
