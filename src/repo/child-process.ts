/**
 * node:child_process, loaded on the first spawn rather than at import: an unchanged rerun that
 * .git's files answer (head-files.ts, index-status.ts) spawns nothing, and loading the module
 * (it pulls in dgram, the socket list and the ESM facade that reads every export) was ~8 ms of
 * that rerun's CPU over bare node. git.ts and blob-reader.ts spawn through it.
 */
import { createRequire } from 'node:module';

type ChildProcessModule = typeof import('node:child_process');
let loaded: ChildProcessModule | undefined;

export function childProcess(): ChildProcessModule {
  loaded ??= createRequire(import.meta.url)('node:child_process') as ChildProcessModule;
  return loaded;
}
