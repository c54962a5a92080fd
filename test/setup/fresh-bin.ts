/**
 * Integration tests run dist/bin/ (what users run), which esbuild builds from src/ in
 * `npm run build`, not in `tsc -p tsconfig.build.json`. After an edit and a tsc build alone the
 * tests would run the old bin without a word, so this rebuilds it first whenever a file under
 * src/ (or the dependencies' lock) is newer than dist/bin/'s last build. Up to date, it costs
 * a walk of src/'s times. The undefined-globals check is left to `npm run build`.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN_META, buildBin } from '../../scripts/lib/bin-build.js';

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

export default async function setup(): Promise<void> {
  const sources = Math.max(
    newestUnder(join(projectRoot, 'src')),
    statSync(join(projectRoot, 'package-lock.json')).mtimeMs,
  );
  if (sources <= builtAt()) return;
  const { files } = await buildBin(projectRoot, { checkGlobals: false });
  process.stderr.write(`dist/bin/ was older than src/: built again (${files} files)\n`);
}
