/**
 * What decides that a bundle was prepared before and is still there, and the result that says
 * so. Loaded by the unchanged rerun as well as the build, so it needs neither zod nor the
 * writers of the repo's documents.
 */

import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  PENDING_CHANGES_FILE,
  type PendingEntry,
  readPendingEntries,
} from '../../docs/pending-changes.js';
import { currentDeployments, specNameOf } from '../../docs/supersede.js';
import { externalImageWarnings } from '../../model/external-images.js';
import { cloudshellWarnings } from '../../model/image-plan.js';
import type { BundleRecord } from '../../model/record.js';
import { unsetNamespaceWarnings } from '../../model/unset-namespaces.js';
import type { DirtyPath } from '../../repo/git.js';
import { readTextIfExists, readTextOrEmpty } from '../../util/fs.js';
import type { BundleResult } from './types.js';

export interface Rollback {
  /** The current deployment of the spec in the environment, which pasting this undoes. */
  from: string;
  /** Its row is not prepared yet: it goes last in PENDING-CHANGES.md, prepared again. */
  prepareAgain: boolean;
  /**
   * `from` is itself a rollback from this content: pasting this redeploys the newer content
   * (a roll forward), said as `undoing the rollback to <from>`, not as another rollback.
   */
  undoesRollback?: boolean;
}

/** An earlier record's row in PENDING-CHANGES.md: the rollback it makes, and its state. */
export interface RecordedRow {
  rollback: Rollback | undefined;
  /** Its lifecycle state and date; none without a row. */
  state: BundleResult['state'];
}

/**
 * Content recorded before whose row is not the current deployment of its spec: a rollback
 * when another bundle was deployed after it was prepared. Discarded content stays discarded.
 */
export async function recordedRow(root: string, record: BundleRecord): Promise<RecordedRow> {
  const entries = readPendingEntries(await readTextOrEmpty(join(root, PENDING_CHANGES_FILE)));
  const existing = entries.find((e) => e.bundleId === record.id);
  const state = existing ? { status: existing.status, date: existing.date } : undefined;
  return { rollback: rollbackOf(entries, existing, record), state };
}

function rollbackOf(
  entries: readonly PendingEntry[],
  existing: PendingEntry | undefined,
  record: BundleRecord,
): Rollback | undefined {
  if (!existing || existing.status === 'discarded') return undefined;
  if (existing.status === 'prepared')
    return existing.rollbackFrom
      ? {
          from: existing.rollbackFrom,
          prepareAgain: false,
          ...(existing.undoesRollback ? { undoesRollback: true } : {}),
        }
      : undefined;
  const spec = specNameOf(record.id, record.name);
  const current = currentDeployments(
    entries.filter((e) => e.environment === record.environment),
    (id) => specNameOf(id),
  ).find((e) => specNameOf(e.bundleId) === spec);
  if (!current || current.bundleId === record.id) return undefined;
  // Rows go in the order they were prepared: content prepared after the current deployment
  // (say a newer change whose archive was never uploaded) undoes nothing; pasted, it is that
  // change. Only a row before it, or a rollback of it not yet deployed, undoes it.
  const before = entries.indexOf(existing) < entries.indexOf(current);
  if (!before && existing.rollbackFrom !== current.bundleId) return undefined;
  return {
    from: current.bundleId,
    prepareAgain: true,
    // The current deployment rolled back from this content: pasting it undoes that rollback.
    // Not when the current one was itself such a redeploy (A, B, A, B, then A is a rollback).
    ...(current.rollbackFrom === record.id && !current.undoesRollback
      ? { undoesRollback: true }
      : {}),
  };
}

/** The bundle directory still holds this record and its archive (and the paste sheet asked for). */
export async function bundleDirIsCurrent(
  outDir: string,
  prepared: { record: BundleRecord; json: string },
  paste: boolean | undefined,
): Promise<boolean> {
  const archive = prepared.record.archive;
  if ((await readTextIfExists(join(outDir, 'bundle.json'))) !== prepared.json) return false;
  const size = await stat(join(outDir, archive.file)).then(
    (s) => s.size,
    () => -1,
  );
  return size === archive.size && (!paste || existsSync(join(outDir, 'PASTE-TRANSFER.md')));
}

/** The result of a bundle run, the sizes of its documents read from the bundle directory. */
export async function bundleResult(fields: {
  record: BundleRecord;
  outDir: string;
  archiveName: string;
  dirty: DirtyPath[];
  warnings: string[];
  totalBytes: number;
  alreadyPrepared: boolean;
  rollback: Rollback | undefined;
  /**
   * The record's row as it was read (recordedRow). A row prepared again (a rollback) is
   * prepared now: its earlier state is not shown.
   */
  state: BundleResult['state'];
}): Promise<BundleResult> {
  const { rollback, outDir } = fields;
  const state = fields.alreadyPrepared && !rollback?.prepareAgain ? fields.state : undefined;
  return {
    ...(rollback ? { rollbackFrom: rollback.from } : {}),
    ...(rollback?.undoesRollback ? { undoesRollback: true } : {}),
    ...(state ? { state } : {}),
    record: fields.record,
    outDir,
    archivePath: join(outDir, fields.archiveName),
    dirty: fields.dirty,
    warnings: fields.warnings,
    totalBytes: fields.totalBytes,
    alreadyPrepared: fields.alreadyPrepared,
    recordBytes: (await stat(join(outDir, 'bundle.json'))).size,
    pasteSheetBytes: (await stat(join(outDir, 'PASTE.md'))).size,
  };
}

/**
 * The warnings a bundle's record alone decides, said by every run that prepares or finds it:
 * files whose objects go to the current namespace, images CloudShell cannot push, and
 * images the manifests pull from outside the air gap.
 */
export function bundleWarnings(record: BundleRecord): string[] {
  return [
    ...unsetNamespaceWarnings(record),
    ...cloudshellWarnings(record),
    ...externalImageWarnings(record),
  ];
}
