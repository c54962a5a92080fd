import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ECR_MANIFEST_FILE,
  type EcrImageRecord,
  missingImages,
  PUSH_FAILED,
  PUSH_NOT_RECORDED,
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
import { statusOf, type UnitResult } from '../../ingest/outcome/merge.js';
import {
  digestFromPushOutput,
  imagesFromDescribeImages,
  readRange,
} from '../../ingest/parse/images.js';
import type { TroubleAdvice } from '../../ingest/parse/paste-trouble.js';
import { iso } from '../../ingest/runbook/runbook.js';
import { parseImageRef } from '../../model/images.js';
import type { BundleStatus } from '../../model/lifecycle.js';
import { MARKER_PREFIX } from '../../model/markers.js';
import { type FailedPush, NO_END_MARKER, pushCutShort } from '../../model/pushes.js';
import type { BundleRecord } from '../../model/record.js';
import type { Git } from '../../repo/git-access.js';
import { writeFileAtomically } from '../../util/atomic.js';
import { readTextOrEmpty } from '../../util/fs.js';
import type { DocumentWrite } from '../../util/transaction.js';
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
    const row = upsertPendingEntry(before, {
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
      // Needed only until a run of the rollback is ingested (ingest.ts rollbackPending).
      ...(previous?.preparedAgainAt && status === 'prepared'
        ? { preparedAgainAt: previous.preparedAgainAt }
        : {}),
      ...(afterDiscard ? { runAfterDiscard: true } : {}),
      ...(input.archiveNotInS3 ? { archiveNotInS3: true } : {}),
      ...(input.retryFrom !== undefined ? { retryFrom: input.retryFrom } : {}),
      ...(input.helpersNotLoaded !== undefined ? { helpersNotLoaded: input.helpersNotLoaded } : {}),
    });
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

/**
 * Images the bundle needs that docs/ecr-manifest.md will not show in ECR for its environment
 * once this ingest has recorded what the transcript proves was pushed or found.
 */
export async function imagesStillMissing(
  root: string,
  record: BundleRecord,
  results: UnitResult[],
): Promise<{ missing: string[]; failedPushes: FailedPush[] }> {
  const before = await readTextOrEmpty(join(root, ECR_MANIFEST_FILE));
  const after = upsertEcrImages(before, collectImages(record, results)).text;
  return {
    missing: missingImages(record.images, after, record.environment),
    // A failed push leaves an image an earlier push put in ECR where it was: the manifest
    // still records it, and ingest must not say it is missing.
    failedPushes: failedPushes(results).map((f) =>
      missingImages([f.image], after, record.environment).length ? f : { ...f, inEcr: true },
    ),
  };
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

/** The image units of CloudShell's push blocks whose last attempt failed or was cut short. */
export function failedPushes(results: readonly UnitResult[]): FailedPush[] {
  return results.flatMap((r) => {
    const a = r.final;
    if (r.kind !== 'image' || !a || (r.status !== 'failed' && r.status !== 'incomplete')) return [];
    const image = / to (\S+)$/.exec(r.command ?? '')?.[1];
    if (!image) return [];
    const why = r.status === 'failed' ? `exit code ${a.rc}` : NO_END_MARKER;
    return [{ image, why, date: iso(a.endEpoch ?? a.beginEpoch).slice(0, 10) }];
  });
}

/**
 * docs/ecr-manifest.md rows that say a push failed, for images the manifest does not already
 * show in ECR (inEcr; missingImages does not count these rows; a later push replaces them).
 */
function failedPushRows(record: BundleRecord, failed: readonly FailedPush[]): EcrImageRecord[] {
  return failed.flatMap((f) => {
    if (f.inEcr) return [];
    const ref = parseImageRef(f.image);
    return [
      {
        repository: ref.repository,
        tag: ref.tag,
        environment: record.environment,
        date: f.date,
        ...(pushCutShort(f)
          ? {
              digest: PUSH_NOT_RECORDED,
              source:
                'CloudShell push not recorded (the output stops inside the push): may not be in ECR',
            }
          : { digest: PUSH_FAILED, source: `CloudShell push failed (${f.why}): not in ECR` }),
      },
    ];
  });
}

export function collectImages(record: BundleRecord, results: UnitResult[]): EcrImageRecord[] {
  const images: EcrImageRecord[] = [];
  for (const r of results) {
    // A push that succeeded put its image in ECR, whatever a later paste of the block did
    // (a push ECR refused removes nothing): its latest success is recorded.
    const a =
      r.kind === 'image' && r.status !== 'ok'
        ? [...r.earlier].reverse().find((e) => statusOf(e) === 'ok')
        : r.status === 'ok'
          ? r.final
          : undefined;
    if (!a) continue;
    const date = iso(a.endEpoch ?? a.beginEpoch).slice(0, 10);
    if (r.kind === 'image' && r.command) {
      const target = /to \S+?\/(.+):([^:\s]+)$/.exec(r.command);
      const digest = digestFromPushOutput(readRange(a.outputPath, a.outputStart, a.outputEnd));
      if (target && digest)
        images.push({
          repository: target[1]!,
          tag: target[2]!,
          digest,
          environment: record.environment,
          date,
          source: 'CloudShell push',
        });
    }
    if (r.command?.includes('aws ecr describe-images')) {
      for (const found of imagesFromDescribeImages(
        readRange(a.outputPath, a.outputStart, a.outputEnd),
      )) {
        images.push({
          ...found,
          environment: record.environment,
          date,
          source: `bastion describe-images (${a.host ?? 'bastion'})`,
        });
      }
    }
  }
  return images;
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
