import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ECR_MANIFEST_FILE,
  type EcrImageRecord,
  upsertEcrImages,
} from '../../docs/ecr-manifest.js';
import {
  CURRENT_STATE,
  type Outcome,
  TRACKER,
  upsertDeployments,
  upsertTrackerRow,
} from '../../docs/handoff.js';
import { findManagedBlock } from '../../docs/managed-block.js';
import {
  PENDING_CHANGES_FILE,
  type PendingEntry,
  readPendingEntries,
  upsertPendingEntry,
} from '../../docs/pending-changes.js';
import { markSuperseded } from '../../docs/supersede.js';
import { AirgapError } from '../../errors.js';
import type { UnitResult } from '../../ingest/outcome/merge.js';
import type { TroubleAdvice } from '../../ingest/parse/paste-trouble.js';
import type { BundleStatus } from '../../model/lifecycle.js';
import { MARKER_PREFIX } from '../../model/markers.js';
import type { FailedPush } from '../../model/pushes.js';
import type { BundleRecord } from '../../model/record.js';
import type { Git } from '../../repo/git-access.js';
import { writeFileAtomically } from '../../util/atomic.js';
import { readTextOrEmpty } from '../../util/fs.js';
import type { DocumentWrite } from '../../util/transaction.js';
import { deployedOver, deployedOverWarning, newerThan, ranAgainWarning } from './deployed-over.js';
import { collectImages, failedPushRows } from './ecr-images.js';
import { observationWrites } from './observations.js';

/**
 * TRACKER.md and CURRENT-STATE.md are updated only where `airgap init` (or a person) put
 * airgap's managed blocks: other repos keep those documents entirely by hand.
 */
async function handoffWrites(
  root: string,
  entries: PendingEntry[],
  outcome: Outcome,
): Promise<Array<{ rel: string; content: string }>> {
  const writes: Array<{ rel: string; content: string }> = [];
  const tracker = await readTextOrEmpty(join(root, TRACKER.file));
  if (findManagedBlock(tracker, TRACKER.block)) {
    const update = upsertTrackerRow(tracker, outcome);
    if (update.changed) writes.push({ rel: TRACKER.file, content: update.text });
  }
  const state = await readTextOrEmpty(join(root, CURRENT_STATE.file));
  if (findManagedBlock(state, CURRENT_STATE.block)) {
    const after = upsertDeployments(state, entries);
    if (after !== state) writes.push({ rel: CURRENT_STATE.file, content: after });
  }
  return writes;
}

export interface LivingDocsInput {
  /** The command's git (context.git): whether one bundle's commit descends from another's. */
  git: Git;
  record: BundleRecord;
  status: BundleStatus | undefined;
  results: UnitResult[];
  firstDay: string;
  runbookRel: string;
  /** Images the bundle needs that docs/ecr-manifest.md will not show in ECR after this ingest. */
  missingImages: readonly string[];
  /** CloudShell pushes that failed or were cut short, from imagesStillMissing (inEcr set). */
  failedPushes: readonly FailedPush[];
  /** The download found no object in S3 (archiveNotInS3): the row says so, and the handoff. */
  archiveNotInS3?: boolean;
  /** Every unit refused for want of helpers: the helper blocks to name (PendingEntry's). */
  helpersNotLoaded?: string;
  /** Failed or partial: the PASTE.md block to paste again, with those after it (PendingEntry's). */
  retryFrom?: number;
  /** Epoch seconds at which its latest deployed run began (deployed-over.ts). */
  runStart?: number | undefined;
}

/** PENDING-CHANGES.md, the handoff documents and docs/ecr-manifest.md after this ingest. */
export async function livingDocumentWrites(
  root: string,
  input: LivingDocsInput,
): Promise<{ writes: DocumentWrite[]; warnings: string[]; images: EcrImageRecord[] }> {
  const { record, status } = input;
  const writes: DocumentWrite[] = [];
  const warnings: string[] = [];
  if (status) {
    const before = await readTextOrEmpty(join(root, PENDING_CHANGES_FILE));
    const previous = readPendingEntries(before).find((e) => e.bundleId === record.id);
    const afterDiscard = previous?.status === 'discarded' || previous?.runAfterDiscard === true;
    if (afterDiscard)
      warnings.push(
        `${record.id} was discarded (${previous?.link.replace(/^discarded: /, '')}), but this output shows it ran: recorded as ${status}, run after discard`,
      );
    const entry: PendingEntry = {
      bundleId: record.id,
      environment: record.environment,
      status,
      commit: record.commit,
      // A rollback keeps the day it was prepared again: its runs are those from then on.
      date: previous?.rollbackFrom ? previous.date : input.firstDay,
      files: previous?.files ?? record.files.length,
      images: previous?.images ?? record.images.length,
      // The row must not read as if the images were there: a failed push leaves them out.
      ...(input.missingImages.length ? { imagesNotInEcr: input.missingImages.length } : {}),
      link: `[runbook](${input.runbookRel})`,
      ...(previous?.rollbackFrom ? { rollbackFrom: previous.rollbackFrom } : {}),
      ...(previous?.undoesRollback ? { undoesRollback: true } : {}),
      // Needed only until a run of the rollback is ingested (ingest.ts rollbackPending).
      ...(previous?.preparedAgainAt && status === 'prepared'
        ? { preparedAgainAt: previous.preparedAgainAt }
        : {}),
      // Not read (ingest warned): the person's text stays, whatever the status.
      ...(previous?.unreadPreparedAgain
        ? { unreadPreparedAgain: previous.unreadPreparedAgain }
        : {}),
      ...(afterDiscard ? { runAfterDiscard: true } : {}),
      ...(input.archiveNotInS3 ? { archiveNotInS3: true } : {}),
      ...(input.retryFrom !== undefined ? { retryFrom: input.retryFrom } : {}),
      ...(input.helpersNotLoaded !== undefined ? { helpersNotLoaded: input.helpersNotLoaded } : {}),
    };
    // Older content that ran over a later-prepared deployment of its spec is what runs now:
    // its row goes after that one, so status, CURRENT-STATE.md and drift name it current.
    const over =
      status === 'deployed' && input.runStart !== undefined
        ? await deployedOver(root, readPendingEntries(before), record.id, input.runStart)
        : undefined;
    if (over)
      warnings.push(
        (await newerThan(input.git, root, record.commit, over))
          ? ranAgainWarning(record.id, over.bundleId)
          : deployedOverWarning(record.id, over.bundleId),
      );
    const row = upsertPendingEntry(before, entry, over ? { moveAfter: over } : {});
    const marked = markSuperseded(row.text);
    const update = { ...marked, changed: marked.text !== before };
    warnings.push(...row.warnings);
    if (update.changed) writes.push({ rel: PENDING_CHANGES_FILE, content: update.text });
    writes.push(
      ...(await handoffWrites(root, readPendingEntries(update.text), {
        bundleId: record.id,
        environment: record.environment,
        // Still prepared: the tracker's outcome says what happened to the paste.
        status: input.helpersNotLoaded === undefined ? status : 'not run (helpers not loaded)',
        // The rollback's own row, after the deployments it undoes: dated as its PENDING row.
        date: previous?.rollbackFrom ? previous.date : input.firstDay,
        runbook: input.runbookRel,
        ...(previous?.rollbackFrom ? { rollbackFrom: previous.rollbackFrom } : {}),
        ...(previous?.undoesRollback ? { undoesRollback: true } : {}),
      })),
    );
  }
  writes.push(...(await observationWrites(root, record, input.results, input.runbookRel)));
  const images = collectImages(record, input.results);
  const failed = input.failedPushes;
  if (images.length || failed.length) {
    const before = await readTextOrEmpty(join(root, ECR_MANIFEST_FILE));
    const update = upsertEcrImages(before, [...images, ...failedPushRows(record, failed)]);
    warnings.push(...update.warnings);
    if (update.changed) writes.push({ rel: ECR_MANIFEST_FILE, content: update.text });
  }
  return { writes, warnings, images };
}

/** `advice`: why the transcript holds no markers, when its text says so (paste-trouble.ts). */
export function chooseBundle(
  found: readonly string[],
  wanted: string | undefined,
  source: string,
  advice?: readonly TroubleAdvice[],
): string {
  if (!found.length) {
    throw new AirgapError(
      `no airgap markers in ${source}${advice?.length ? `: ${advice.map((a) => a.cause).join('; ')}` : ''}`,
      {
        hint: advice?.length
          ? advice.map((a) => a.action).join('; ')
          : `paste the whole terminal output of the blocks from PASTE.md (lines starting ${MARKER_PREFIX})`,
        code: 'transcript',
      },
    );
  }
  if (wanted) {
    if (!found.includes(wanted)) {
      throw new AirgapError(`${source} is for ${found.join(', ')}, not ${wanted}`, {
        hint: 'check the file, or drop --bundle to use the bundle the transcript names',
        code: 'transcript',
      });
    }
    return wanted;
  }
  if (found.length > 1) {
    throw new AirgapError(
      `${source} holds blocks of ${found.length} bundles: ${found.join(', ')}`,
      {
        hint: 'pass --bundle ID to choose one (the others stay in its Other output section)',
        code: 'transcript',
      },
    );
  }
  return found[0]!;
}

export async function previewDiff(
  git: Git,
  root: string,
  work: string,
  writes: readonly DocumentWrite[],
): Promise<string> {
  const parts: string[] = [];
  for (const [i, w] of writes.entries()) {
    const after = w.fromFile ?? join(work, `preview-${i}`);
    if (w.content !== undefined) await writeFileAtomically(after, w.content);
    const before = join(root, w.rel);
    const diff = await git.run(root, [
      'diff',
      '--no-index',
      '--no-color',
      '--stat',
      existsSync(before) ? before : '/dev/null',
      after,
    ]);
    parts.push(`${w.rel}: ${diff.stdout.toString().trim().split('\n').at(-1)?.trim() ?? ''}`);
    if (existsSync(before)) {
      const unified = await git.run(root, ['diff', '--no-index', '--no-color', before, after]);
      parts.push(unified.stdout.toString().split('\n').slice(4).join('\n'));
    }
  }
  return parts.join('\n');
}
