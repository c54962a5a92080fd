/**
 * Writes dist/airgap.mjs: the CLI with every dependency (the AWS SDK included) in one file,
 * so `node airgap.mjs <command>` runs where nothing is installed, such as CloudShell.
 * Runs after tsc, from dist/scripts/; esbuild is a build-time dev dependency only.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { undefinedGlobals } from './lib/free-globals.js';

/** Compiled to dist/scripts/, two levels below the project root. */
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Above this the bundle has pulled in something it should not (a whole SDK, a test tool). */
const MAX_BYTES = 2 * 1024 * 1024;

const outfile = join(projectRoot, 'dist/airgap.mjs');
const result = await build({
  metafile: true,
  entryPoints: [join(projectRoot, 'src/cli/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  // Only the S3 client's own code paths are kept; the SDK's browser variants are never used.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies read require, __filename and __dirname (write-file-atomic hashes
  // __filename for its temp names); an ES module has none of them, so the banner defines them.
  banner: {
    js: [
      "import { createRequire as __airgapRequire } from 'node:module';",
      "import { dirname as __airgapDirname } from 'node:path';",
      "import { fileURLToPath as __airgapPath } from 'node:url';",
      'const require = __airgapRequire(import.meta.url);',
      'const __filename = __airgapPath(import.meta.url);',
      'const __dirname = __airgapDirname(__filename);',
    ].join(' '),
  },
});
// A global read but never defined throws only when its code path runs: refuse the build.
const missing = undefinedGlobals(readFileSync(outfile, 'utf8'));
if (missing.length) {
  process.stderr.write(
    `dist/airgap.mjs reads undefined global(s): ${missing.join(', ')}: define them in the banner\n`,
  );
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
