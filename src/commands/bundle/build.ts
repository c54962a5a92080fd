import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertPlanWithinLimits } from '../../bundle/limits.js';
import { withPath } from '../../errors.js';
import type { BundleRecord } from '../../model/record.js';
import { parseRecordLazily } from '../../model/record-check.js';
import { recordPath } from '../../model/record-paths.js';
import { withPastePlan } from '../../paste/plan-data.js';
import { sweepDead } from '../../repo/airgap-dir.js';
import type { DirtyPath, TreeEntry } from '../../repo/git.js';
import { publishDirectory } from '../../util/atomic.js';
import { makeDirectory } from '../../util/fs.js';
import { stableJsonReusing } from '../../util/stable-json.js';
import { contextOf } from '../context.js';
import { bundleDirIsCurrent, bundleResult, bundleWarnings, recordedRow } from './current.js';
import { recordPreparedBundle } from './docs.js';
import { checkImages } from './missing-images.js';
// pack, record, render and sign imported statically: this module is itself loaded only when
// the rerun stamp does not answer (bundle.ts).
// Four import()s here made esbuild split dist/bin/ into 11 more files for a first bundle to
// resolve and read (45 -> 34; 616 -> 583 ms CPU, medians of 15 alternated, load 13); a
// prepared bundle found without a stamp now loads them too (452 vs 461 ms, noise).
import { checkBundle, loadScanState, packBundle, type ScanState } from './pack.js';
import { type BundlePlan, type EarlyShow, planBundle } from './plan.js';
import { makeRecord } from './record.js';
import { renderBundleDir } from './render.js';
import { writeRerunStamp } from './rerun-stamp.js';
import { signBundle } from './sign.js';
import type { BundleOptions, BundleResult } from './types.js';
import type { RecordVouch } from './vouched-record.js';

/**
 * plan → pack → check → sign → render → publish. Everything up to render happens in a staging
 * directory; nothing is published unless every check passed. Content prepared before (its
 * record is in the repo) is not prepared again: an intact bundle directory is reused, a missing
 * one is rebuilt (same bytes) without touching the repo's documents.
 */
export async function buildBundle(
  options: BundleOptions,
  /** The repo root, when the rerun's git already named it. */
  root?: string,
  /** Its `git status`, when the rerun already started it. */
  status?: Promise<DirtyPath[]>,
  /** HEAD's commit as the rerun read it from .git's files (the plan checks it against git's). */
  commit?: string,
  /** That commit's tree, when the caller already started listing it. */
  tree?: Promise<TreeEntry[]>,
  /** HEAD and the spec at specPath (headCommitAndFile), when the caller already asked. */
  shown?: EarlyShow,
  /** The record bytes the rerun stamp vouches for (parsed without zod when found). */
  vouched?: RecordVouch,
): Promise<BundleResult> {
  const context = contextOf(options.context);
  let state: ScanState | undefined;
  const plan = await planBundle(
    options,
    context,
    root,
    status,
    commit,
    tree,
    shown,
    (gitDir) => {
      state = loadScanState(gitDir);
    },
    vouched,
  );
  const warnings = [...plan.warnings];
  const row = plan.prepared ? await recordedRow(plan.root, plan.prepared.record) : undefined;
  const rollback = row?.rollback;
  const result = (record: BundleRecord, alreadyPrepared: boolean): Promise<BundleResult> =>
    bundleResult({
      record,
      outDir: plan.outDir,
      archiveName: plan.archiveName,
      dirty: plan.dirty,
      warnings,
      totalBytes: plan.totalBytes,
      alreadyPrepared,
      rollback,
      state: row?.state,
    });
  if (plan.prepared && (await bundleDirIsCurrent(plan.outDir, plan.prepared, options.paste))) {
    await checkImages(plan, plan.prepared.record.images, options.strict ?? false);
    warnings.push(...bundleWarnings(plan.prepared.record));
    if (rollback?.prepareAgain) {
      const { record, json } = plan.prepared;
      const sheet = join(plan.outDir, 'PASTE.md');
      const now = context.now();
      warnings.push(
        ...(await recordPreparedBundle(plan.root, plan.gitDir, record, json, sheet, now, rollback)),
      );
    }
    await stamp(plan, plan.prepared.json, plan.prepared.record);
    return result(plan.prepared.record, !rollback?.prepareAgain);
  }
  // Limits the file list alone decides, before the minutes packing a huge tree would take.
  assertPlanWithinLimits(plan.spec, plan.entries);
  // Staged beside the bundle directory; what a killed run left there goes first.
  sweepDead(dirname(plan.outDir), /\.tmp-(\d+)$/);
  const stagingDir = `${plan.outDir}.tmp-${process.pid}`;
  await rm(stagingDir, { recursive: true, force: true });
  await makeDirectory(stagingDir);
  let record: BundleRecord;
  let recordJson: string;
  try {
    const progress = options.progress ?? false;
    const packed = await packBundle(plan, context.git, stagingDir, progress, state);
    const checked = await checkBundle(plan, packed, options.strict ?? false);
    warnings.push(...checked.warnings);
    const signature = await signBundle(plan, context.git, stagingDir, options.signKey);
    // The paste plan of both sides is computed here, once, and read from the record after.
    record = withPastePlan(
      makeRecord(packed.content, {
        missingImages: checked.missingImages,
        externalImages: packed.externalImages,
        signature,
        archive: { file: plan.archiveName, format: plan.format, ...packed.archive },
      }),
    );
    // Serialised once: the out dir and the repo keep the same bytes. The files' text is
    // bundle.json's, written into the archive: ~40 ms less after its last byte (50,000 files).
    recordJson = stableJsonReusing(record, packed.files);
    await renderBundleDir(stagingDir, record, recordJson, options.paste ?? false, warnings);
    await publishDirectory(stagingDir, plan.outDir);
  } catch (error) {
    await rm(stagingDir, { recursive: true, force: true });
    throw withPath(error, plan.outDir);
  }
  const now = context.now();
  const pasteSheet = join(plan.outDir, 'PASTE.md');
  if (!plan.prepared || rollback?.prepareAgain) {
    warnings.push(
      ...(await recordPreparedBundle(
        plan.root,
        plan.gitDir,
        record,
        recordJson,
        pasteSheet,
        now,
        rollback,
      )),
    );
    await stamp(plan, recordJson);
  } else {
    // Rebuilt from the record the repo holds: that one is what the next rerun reads.
    await stamp(plan, plan.prepared.json, plan.prepared.record);
  }
  warnings.push(...bundleWarnings(record));
  return result(record, false);
}

/**
 * The stamp that lets the next unchanged rerun skip this plan (bundle-rerun.ts), for the record
 * bytes the repo now holds; `parsed` is what parseRecord made of them, parsed here if absent:
 * without zod when record-check.ts accepts them (a record just built), else by parseRecord.
 */
async function stamp(plan: BundlePlan, json: string, parsed?: BundleRecord): Promise<void> {
  let record = parsed;
  if (!record) {
    try {
      record = await parseRecordLazily(json, recordPath(plan.id));
    } catch {
      return; // the next rerun reports it the full way
    }
  }
  await writeRerunStamp({
    gitDir: plan.gitDir,
    commit: plan.commit.sha,
    tree: plan.commit.tree,
    specPath: plan.specPath,
    format: plan.format,
    id: plan.id,
    spec: plan.spec,
    totalBytes: plan.totalBytes,
    json,
    parsed: record,
  });
}
