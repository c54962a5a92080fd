import { join } from 'node:path';
import { AirgapError } from '../errors.js';
import {
  type DocumentWrite,
  realTransactionFs,
  TransactionError,
  type TransactionFs,
  writeDocuments,
} from '../util/transaction.js';

/** One lock for every command that rewrites the repo's living documents (ingest, discard). */
export function docsLockPath(gitDir: string): string {
  return join(gitDir, 'airgap-ingest.lock');
}

/** Writes the documents of one run all or nothing, as a user-facing error when it fails. */
export async function writeRepoDocuments(
  root: string,
  writes: readonly DocumentWrite[],
  stagingDir: string,
  fs: TransactionFs = realTransactionFs,
): Promise<void> {
  try {
    await writeDocuments(root, writes, stagingDir, fs);
  } catch (error) {
    if (!(error instanceof TransactionError)) throw error;
    throw new AirgapError(
      `could not write ${error.rel}: ${error.reason}; no document was changed`,
      {
        details: writes.map((w) => `unchanged: ${w.rel}`),
        hint:
          error.reason === 'the file is read-only'
            ? `make it writable (chmod u+w ${error.rel}) and run the command again`
            : 'free space or fix the permissions, then run the command again',
        code: 'writeFailed',
        cause: error,
      },
    );
  }
}

const FULL_OR_READ_ONLY: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
};

/** A full or read-only disk while preparing (temp files) is the user's to fix, not a bug. */
export function asWriteFailure(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ? FULL_OR_READ_ONLY[code] : undefined;
  if (!reason) return error;
  return new AirgapError(
    `could not write airgap's temp files: ${reason}; no document was changed`,
    {
      hint: 'free space in the repo (temp files go under .git/airgap/), then run the command again',
      code: 'writeFailed',
      cause: error,
    },
  );
}
