import { join, relative } from 'node:path';
import {
  PENDING_CHANGES_FILE,
  readPendingEntries,
  upsertPendingEntry,
} from '../../docs/pending-changes.js';
import type { BundleRecord } from '../../model/record.js';
import { recordPath } from '../../model/record-paths.js';
import { openRunDir } from '../../repo/airgap-dir.js';
import { docsLockPath, writeRepoDocuments } from '../../repo/documents.js';
import { acquireLock } from '../../repo/lock.js';
import { readTextOrEmpty } from '../../util/fs.js';
import type { DocumentWrite } from '../../util/transaction.js';
import type { Rollback } from './current.js';

/**
 * Keeps the bundle's record in the repo and lists it as prepared in PENDING-CHANGES.md.
 * A bundle already deployed (or failed) keeps that status when it is rebuilt, unless it is
 * a rollback: then its row goes last, prepared again, saying what it undoes.
 */
export async function recordPreparedBundle(
  root: string,
  /** Its .git directory: the lock and the temp directory live there. */
  gitDir: string,
  record: BundleRecord,
  /** The record as written to the out dir's bundle.json, byte for byte. */
  recordJson: string,
  pasteSheet: string,
  now: Date,
  rollback?: Rollback,
): Promise<string[]> {
  // Read-modify-write of the living documents, under the lock ingest and discard take too.
  const release = acquireLock(docsLockPath(gitDir), now, 'command');
  try {
    const writes: DocumentWrite[] = [{ rel: recordPath(record.id), content: recordJson }];
    const before = await readTextOrEmpty(join(root, PENDING_CHANGES_FILE));
    const existing = readPendingEntries(before).find((e) => e.bundleId === record.id);
    const warnings: string[] = [];
    const again = rollback?.prepareAgain === true;
    if (!existing || existing.status === 'prepared' || again) {
      const sheet = relative(root, pasteSheet);
      const update = upsertPendingEntry(
        before,
        {
          bundleId: record.id,
          environment: record.environment,
          status: 'prepared',
          commit: record.commit,
          // A rollback's date is the day it was prepared again, and its row keeps the second:
          // ingest tells its runs from the runs of the first deployment by it.
          date: again
            ? now.toISOString().slice(0, 10)
            : existing?.date || now.toISOString().slice(0, 10),
          // Bundled again while still prepared: the rollback still counts from then.
          ...(again
            ? { preparedAgainAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z') }
            : existing?.preparedAgainAt
              ? { preparedAgainAt: existing.preparedAgainAt }
              : existing?.unreadPreparedAgain
                ? { unreadPreparedAgain: existing.unreadPreparedAgain }
                : {}),
          files: record.files.length,
          images: record.images.length,
          link: `paste sheet: \`${sheet.startsWith('..') ? pasteSheet : sheet}\``,
          ...(rollback ? { rollbackFrom: rollback.from } : {}),
          ...(rollback?.undoesRollback ? { undoesRollback: true } : {}),
        },
        { moveToEnd: again },
      );
      if (update.changed) writes.push({ rel: PENDING_CHANGES_FILE, content: update.text });
      warnings.push(...update.warnings);
    }
    const run = await openRunDir(gitDir);
    try {
      await writeRepoDocuments(root, writes, join(run.path, 'staged'));
    } finally {
      run.remove();
    }
    return warnings;
  } finally {
    release();
  }
}
