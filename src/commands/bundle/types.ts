import type { BundleStatus } from '../../model/lifecycle.js';
import type { ArchiveFormat, BundleRecord } from '../../model/record.js';
import type { DirtyPath } from '../../repo/git.js';
import type { CommandContext } from '../context.js';

// The options and result of `bundle`, apart from bundle.ts: bundle-rerun.ts, bundle-build.ts and
// bundle-current.ts need them, and importing them from bundle.ts (which imports the rerun) made
// a file cycle.

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
  /** Clock, working directory, stdin, git and document fs (CommandContext); real if left out. */
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
  /** Of an already-prepared bundle: its row in PENDING-CHANGES.md (prepared, deployed, failed…). */
  state?: { status: BundleStatus; date: string };
  /** Content deployed (or tried) before a later deployment of the spec: pasting it undoes that one. */
  rollbackFrom?: string;
  /** That deployment was a rollback to this content's predecessor: pasting this undoes it. */
  undoesRollback?: boolean;
  /** Sizes of bundle.json and PASTE.md, stated in the output. */
  recordBytes: number;
  pasteSheetBytes: number;
}
