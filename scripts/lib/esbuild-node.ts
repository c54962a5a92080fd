/**
 * What both esbuild builds of the CLI (dist/airgap.mjs and dist/bin/) share: Node ESM output
 * with the CommonJS globals some dependencies read, and a refusal of any global left undefined.
 */
import { readFileSync } from 'node:fs';
import type { BuildOptions } from 'esbuild';
import { undefinedGlobals } from './free-globals.js';

export const NODE_ESM_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
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
} satisfies BuildOptions;

/**
 * A global read but never defined throws only when its code path runs: the message naming
 * the file, or undefined when every global it reads exists.
 */
export function undefinedGlobalsIn(file: string, shownAs: string): string | undefined {
  const missing = undefinedGlobals(readFileSync(file, 'utf8'));
  return missing.length
    ? `${shownAs} reads undefined global(s): ${missing.join(', ')}: define them in the banner`
    : undefined;
}
