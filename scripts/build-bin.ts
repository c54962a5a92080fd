/**
 * Writes dist/bin/, the `airgap` command (scripts/lib/bin-build.ts says what and why).
 * Runs after tsc, from dist/scripts/; refuses output that reads an undefined global.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBin } from './lib/bin-build.js';

/** Compiled to dist/scripts/, two levels below the project root. */
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

try {
  const { bytes, files } = await buildBin(projectRoot, { checkGlobals: true });
  process.stdout.write(
    `dist/bin/ ${(bytes / 1024 / 1024).toFixed(2)} MiB in ${files} files (airgap.js, scan-worker.js and shared chunks)\n`,
  );
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
