/**
 * The unchanged rerun without the build. A bundle leaves a stamp in `.git/airgap/rerun/`: the
 * tree it was planned from, the spec path, the format and this airgap's build, and what the
 * plan then decided (the bundle id, the parsed spec, the sha256 of the record the repo holds).
 * A rerun at the same HEAD commit then needs one `git status` (HEAD read from the files under
 * .git, head-files.ts; when they are not plain, or HEAD is another commit, one `git rev-parse`
 * more, and the same tree still answers) instead of five git processes, and neither zod nor
 * the spec and record schemas, nor node:crypto (the stamp holds the record's bytes, not their
 * hash, up to RECORD_KEPT, and its file name is a plain string hash): every other input
 * of the decision (the working copy's status, the record's bytes, PENDING-CHANGES.md, the
 * bundle directory, docs/ecr-manifest.md) is read again, as the full plan reads it. Anything
 * that differs, or that the stamp does not vouch for, goes the full way, which decides (and
 * refuses) exactly as before.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dirtyMatches } from '../../bundle/dirty.js';
import { resolveSpecPath } from '../../bundle/spec-path.js';
import type { ArchiveFormat } from '../../model/archive-formats.js';
import type { BundleRecord } from '../../model/record.js';
import { archiveFileName, recordPath } from '../../model/record-paths.js';
import type { DirtyPath } from '../../repo/git.js';
import { readTextIfExists } from '../../util/fs.js';
import { contextOf } from '../context.js';
import { bundleDirIsCurrent, bundleResult, bundleWarnings, recordedRow } from './current.js';
import { checkImages } from './missing-images.js';
import { buildId, type RerunStamp, readStamp, stampPath } from './rerun-stamp.js';
import type { BundleOptions, BundleResult } from './types.js';
import { type RecordVouch, recordSha256 } from './vouched-record.js';

/** The rerun's answer, or the repo root git named (the full plan need not ask for it again). */
export interface RerunAnswer {
  result?: BundleResult;
  root?: string;
  /** `git status` of that root, started beside rev-parse: the full plan needs it too. */
  status?: Promise<DirtyPath[]>;
  /** HEAD's commit as read from .git's files, when they were plain (a hint: git decides). */
  commit?: string;
  /** The spec's repo path, as the plan resolves it from the same options. */
  specPath?: string;
  /** The record bytes this airgap's stamp vouches for (recordVouched), whatever else changed. */
  vouched?: RecordVouch;
}

/**
 * `airgap bundle` when nothing changed since a bundle left its stamp: the result the full plan
 * would give, or undefined when anything differs (then the caller plans the full way).
 */
export async function unchangedRerun(options: BundleOptions): Promise<BundleResult | undefined> {
  return (await rerunFromStamp(options)).result;
}

export async function rerunFromStamp(options: BundleOptions): Promise<RerunAnswer> {
  const { cwd, git } = contextOf(options.context);
  const dir = options.repo ? resolve(cwd, options.repo) : cwd;
  const fromFiles = git.headFromFiles?.(dir);
  const asked = fromFiles ? undefined : git.headTree(dir);
  // `git status`, started once, when first needed; the plan is handed this one, so a first
  // bundle still starts one. Beside rev-parse (when the files do not answer), not after it:
  // the rerun and the full plan both need it, and its porcelain paths are the root's in any
  // directory of the repo. When the files answer, the stamp may vouch with the index instead.
  let started: Promise<DirtyPath[]> | undefined;
  const status = () => {
    if (!started) {
      started = git.dirtyPaths(dir);
      started.catch(() => {});
    }
    return started;
  };
  if (!fromFiles || !git.statusFromIndex) status();
  const head = fromFiles ?? (await asked);
  const build = buildId();
  if (!head) return {};
  const { root } = head;
  const format = options.format ?? 'tar.gz';
  const specPath = await resolveSpecPath(root, options.spec, cwd).catch(() => undefined);
  // Without a stamp the plan may find its status in the index once HEAD's tree is known
  // (git.indexMayVouch); it is started here only when the index cannot answer.
  const full = (): RerunAnswer => ({
    root,
    ...((started ?? !git.indexMayVouch?.(head.gitDir)) ? { status: status() } : {}),
    ...('commit' in head ? { commit: head.commit } : {}),
    ...(specPath !== undefined ? { specPath } : {}),
    ...(vouched ? { vouched } : {}),
  });
  let vouched: RecordVouch | undefined;
  if (specPath === undefined || !build) return full();
  const stamp = await readStamp(stampPath(head.gitDir, specPath, format));
  // A warm bundle whose bundle directory went (the bench's 50,000 files) still finds its
  // record prepared: the plan then reads it without zod (~60 ms before the first blob).
  if (stamp?.build === build) vouched = { record: stamp.record, recordSha256: stamp.recordSha256 };
  // At another commit than the stamp's only git can say; its status runs beside rev-parse.
  if (stamp && (!('commit' in head) || head.commit !== stamp.commit)) status();
  if (
    !stamp ||
    stamp.build !== build ||
    stamp.specPath !== specPath ||
    stamp.archiveFormat !== format ||
    (await treeOf(head, stamp, () => git.headTree(dir))) !== stamp.tree
  )
    return full();
  // At the stamp's commit, the index may say that nothing the spec covers differs from its
  // tree (repo/index-status.ts lists a superset of git's paths); else git status decides.
  const fromIndex =
    'commit' in head && head.commit === stamp.commit
      ? git.statusFromIndex?.(root, head.gitDir, stamp.tree)
      : undefined;
  const dirty = async () =>
    fromIndex && !dirtyMatches(stamp.spec, fromIndex, specPath).length
      ? fromIndex
      : status().catch(() => undefined);
  const result = await answer(options, { root, specPath, format, stamp, dirty });
  return result ? { result, root } : full();
}

/**
 * HEAD's tree: git's answer, or the stamp's own when HEAD read from the files is the commit
 * the stamp was planned from (a commit names one tree for good); any other commit asks git,
 * whose tree may still be the stamp's (an amended message, a revert of a revert).
 */
async function treeOf(
  head: { root: string; tree: string } | { root: string; commit: string },
  stamp: RerunStamp,
  ask: () => Promise<{ root: string; tree: string } | undefined>,
): Promise<string | undefined> {
  if ('tree' in head) return head.tree;
  if (head.commit === stamp.commit) return stamp.tree;
  const asked = await ask();
  return asked?.root === head.root ? asked.tree : undefined;
}

async function answer(
  options: BundleOptions,
  known: {
    root: string;
    specPath: string;
    format: ArchiveFormat;
    stamp: RerunStamp;
    dirty: () => Promise<DirtyPath[] | undefined>;
  },
): Promise<BundleResult | undefined> {
  const { root, specPath, format, stamp } = known;
  const { cwd } = contextOf(options.context);
  const outDir = join(resolve(cwd, options.out ?? join(root, '.airgap', 'out')), stamp.id);
  // A bundle directory that went is never current (bundleDirIsCurrent): asked first, so such
  // a run does not read and parse the record (9 MB for 50,000 files) before the full plan.
  if (!existsSync(join(outDir, 'bundle.json'))) return undefined;
  const json = await readTextIfExists(join(root, recordPath(stamp.id)));
  if (
    json === undefined ||
    (stamp.record !== undefined ? json !== stamp.record : recordSha256(json) !== stamp.recordSha256)
  )
    return undefined;
  // A covered path that differs from HEAD is refused, or packed with a warning: the full way.
  const dirty = await known.dirty();
  if (!dirty || dirtyMatches(stamp.spec, dirty, specPath).length) return undefined;
  // The stamp was written only when these bytes parse to the same record through the schema.
  const record = JSON.parse(json) as BundleRecord;
  const prepared = { record, json };
  const { rollback, state } = await recordedRow(root, record);
  if (rollback?.prepareAgain) return undefined;
  if (!(await bundleDirIsCurrent(outDir, prepared, options.paste))) return undefined;
  await checkImages({ root, spec: stamp.spec }, record.images, options.strict ?? false);
  return bundleResult({
    record,
    outDir,
    archiveName: archiveFileName(stamp.id, format),
    dirty: [],
    warnings: bundleWarnings(record),
    totalBytes: stamp.totalBytes,
    alreadyPrepared: true,
    rollback,
    state,
  });
}
