/**
 * The build of dist/bin/, the `airgap` command users run (package.json `bin`): esbuild from
 * src/cli/main.ts with every dependency, split into chunks (`splitting`) so a command loads
 * only its own code: `bundle` never reads the AWS SDK, `--version` only the entry. Loading the
 * ~230 modules tsc leaves in dist/src/ one by one (resolution, a file read and a compile each)
 * was most of a small bundle's cost over bare node (issue 28); dist/src/ stays the library.
 * The scan worker is an entry of its own beside the chunks, where scan-pool.ts looks for it.
 * dist/bin.meta.json lists the sources inside each output file, for the tests that check what
 * a command loads (test/integration/main.test.ts). esbuild reads src/ itself, not tsc's output.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { NODE_ESM_OPTIONS, undefinedGlobalsIn } from './esbuild-node.js';

/**
 * commander requires node:child_process when it loads, for the executable subcommands airgap
 * does not have; loading it was ~8 ms of an unchanged rerun that spawns nothing (index-status
 * .ts). commander gets a stand-in whose spawn loads the module when first read.
 */
const lazyChildProcessForCommander: Plugin = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child-process', namespace: 'airgap-lazy' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'airgap-lazy' }, () => ({
      contents: "module.exports = { get spawn() { return require('node:child_process').spawn; } };",
      loader: 'js',
    }));
  },
};

/**
 * write-file-atomic requires node:worker_threads when it loads, for `threadId` in its temp
 * names; loading it compiled node's worker modules in every first bundle, whose few files are
 * scanned without a worker (scan-pool.ts requires the module when one starts). airgap writes
 * files atomically only on the main thread (util/atomic.ts; the scan worker writes nothing),
 * whose threadId is 0: that is what write-file-atomic gets.
 */
const mainThreadIdForWriteFileAtomic: Plugin = {
  name: 'main-thread-id-for-write-file-atomic',
  setup(build) {
    build.onResolve({ filter: /^(node:)?worker_threads$/ }, (args) =>
      /node_modules[\\/]write-file-atomic[\\/]/.test(args.importer)
        ? { path: 'worker-threads', namespace: 'airgap-main-thread' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'airgap-main-thread' }, () => ({
      contents: 'module.exports = { threadId: 0 };',
      loader: 'js',
    }));
  },
};

/** Written last, so its time says when dist/bin/ was complete. */
export const BIN_META = 'dist/bin.meta.json';

/**
 * Builds dist/bin/ and returns its size, file count and the files esbuild read and wrote.
 * `checkGlobals`: parse every output
 * file for globals read but never defined (most of the build's CPU, ~3 s) and throw on any.
 */
export async function buildBin(
  projectRoot: string,
  options: { checkGlobals: boolean },
): Promise<{ bytes: number; files: number; read: string[] }> {
  const outdir = join(projectRoot, 'dist/bin');
  // Chunk names carry a content hash: without this, chunks of earlier builds would pile up.
  rmSync(outdir, { recursive: true, force: true });
  rmSync(join(projectRoot, BIN_META), { force: true });
  const result = await build({
    ...NODE_ESM_OPTIONS,
    absWorkingDir: projectRoot,
    metafile: true,
    entryPoints: {
      airgap: join(projectRoot, 'src/cli/main.ts'),
      'scan-worker': join(projectRoot, 'src/bundle/scan-worker.ts'),
    },
    outdir,
    splitting: true,
    // Names stay readable in the stack traces `--debug` prints; whitespace and syntax are
    // what make the files smaller to read and parse.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [lazyChildProcessForCommander, mainThreadIdForWriteFileAtomic],
  });
  if (options.checkGlobals) {
    const failures = readdirSync(outdir)
      .map((name) => undefinedGlobalsIn(join(outdir, name), `dist/bin/${name}`))
      .filter((message) => message !== undefined);
    if (failures.length) throw new Error(failures.join('\n'));
  }
  // Output and input paths in the metafile are relative to absWorkingDir; node_modules may be
  // a symlink to another checkout, so inputs are cut back to "node_modules/...".
  const sources: Record<string, string[]> = {};
  let bytes = 0;
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    bytes += output.bytes;
    sources[relative('dist/bin', path)] = Object.keys(output.inputs).map((input) =>
      input.replace(/^.*?(?=node_modules\/)/, ''),
    );
  }
  writeFileSync(join(projectRoot, BIN_META), `${JSON.stringify(sources, null, 1)}\n`);
  // What esbuild read and wrote (relative to projectRoot), for build-bin's stamp.
  const read = [...Object.keys(result.metafile.inputs), ...Object.keys(result.metafile.outputs)];
  return { bytes, files: Object.keys(sources).length, read };
}
