import type { ArchiveFormat, BundleRecord } from '../model/record.js';
import type { DirtyPath } from '../repo/git.js';
import { rerunFromStamp } from './bundle-rerun.js';
import type { CommandContext } from './context.js';

export interface BundleOptions {
  spec: string;
  repo?: string;
  out?: string;
  allowDirty?: boolean;
  format?: ArchiveFormat;
  strict?: boolean;
  /** Also write PASTE-TRANSFER.md: the archive as base64 blocks, for bastions without S3. */
  paste?: boolean;
  /** ssh private key for specs with `signing` (overrides signing.key). */
  signKey?: string;
  progress?: boolean;
  /** The clock, working directory, stdin and document fs (see CommandContext); real when left out. */
  context?: Partial<CommandContext>;
}

export interface BundleResult {
  record: BundleRecord;
  outDir: string;
  archivePath: string;
  dirty: DirtyPath[];
  warnings: string[];
  totalBytes: number;
  /** The same content was prepared before and its bundle directory is intact: nothing changed. */
  alreadyPrepared: boolean;
  /** Content deployed (or tried) before a later deployment of the spec: pasting it undoes that one. */
  rollbackFrom?: string;
  /** Sizes of bundle.json and PASTE.md, stated in the output. */
  recordBytes: number;
  pasteSheetBytes: number;
}

/**
 * An unchanged rerun is answered from the stamp the last bundle left (bundle-rerun.ts), without
 * loading the plan, zod or the spec and record schemas; anything else is planned and built in
 * full (bundle-build.ts), which decides whether the content was prepared before.
 */
export async function bundle(options: BundleOptions): Promise<BundleResult> {
  const { result, root } = await rerunFromStamp(options);
  if (result) return result;
  return (await import('./bundle-build.js')).buildBundle(options, root);
}
