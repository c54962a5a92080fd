/**
 * Writes dist/airgap.mjs: the CLI with every dependency (the AWS SDK included) in one file,
 * so `node airgap.mjs <command>` runs where nothing is installed, such as CloudShell.
 * Runs after tsc, from dist/scripts/; esbuild is a build-time dev dependency only.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_ESM_OPTIONS, undefinedGlobalsIn } from './lib/esbuild-node.js';

/** Compiled to dist/scripts/, two levels below the project root. */
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Above this the bundle has pulled in something it should not (a whole SDK, a test tool). */
const MAX_BYTES = 2 * 1024 * 1024;

const outfile = join(projectRoot, 'dist/airgap.mjs');
const result = await build({
  metafile: true,
  entryPoints: [join(projectRoot, 'src/cli/main.ts')],
  outfile,
  ...NODE_ESM_OPTIONS,
  minify: true,
});
// A global read but never defined throws only when its code path runs: refuse the build.
const undefinedGlobal = undefinedGlobalsIn(outfile, 'dist/airgap.mjs');
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
process.stdout.write(
  `dist/airgap.mjs ${(size / 1024 / 1024).toFixed(2)} MiB (one file, no node_modules; the AWS SDK is ${Math.round(sdkBytes / 1024)} KiB of it)\n`,
);
if (size > MAX_BYTES) {
  process.stderr.write(
    `dist/airgap.mjs is over ${MAX_BYTES / 1024 / 1024} MiB: a dependency pulls in more than it should\n`,
  );
  process.exit(1);
}
