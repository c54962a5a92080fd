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
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirtyMatches } from '../../bundle/dirty.js';
import { resolveSpecPath } from '../../bundle/spec-path.js';
import { type ArchiveFormat, isArchiveFormat } from '../../model/archive-formats.js';
import type { BundleRecord } from '../../model/record.js';
import { archiveFileName, recordPath } from '../../model/record-paths.js';
import type { BundleSpec } from '../../model/spec.js';
import { GENERATOR_VERSION } from '../../model/version.js';
import type { DirtyPath } from '../../repo/git.js';
import { readTextIfExists } from '../../util/fs.js';
import { contextOf } from '../context.js';
import { bundleDirIsCurrent, bundleResult, bundleWarnings, recordedRow } from './current.js';
import { checkImages } from './missing-images.js';
import type { BundleOptions, BundleResult } from './types.js';
import { type RecordVouch, recordSha256 } from './vouched-record.js';

const STAMP_FORMAT = 'airgap-rerun/3';

/**
 * Past this many characters the stamp holds the record's sha256, not its bytes: escaping them
 * into the stamp and parsing them back out cost more than loading node:crypto (~10 ms) and
 * hashing. A 50,000-file record (10 MB), CPU at load 16: the bundle's stamp write ~200 ms
 * against ~50 ms, the rerun's stamp read and compare ~250 ms against ~150 ms.
 */
export const RECORD_KEPT = 1024 * 1024;

interface RerunStamp {
  format: typeof STAMP_FORMAT;
  build: string;
  /** The commit planned from; the rerun trusts `tree` for it without asking git. */
  commit: string;
  tree: string;
  specPath: string;
  archiveFormat: ArchiveFormat;
  id: string;
  /**
   * The record's bytes as the plan wrote and the schema accepted them (compared, not hashed),
   * when they are at most RECORD_KEPT long; else their sha256 (recordSha256).
   */
  record?: string;
  recordSha256?: string;
  totalBytes: number;
  spec: BundleSpec;
}

/**
 * This airgap: its version and the file this code was loaded from (its time and size), so an
 * airgap built again, even under the same version, plans once before it trusts a stamp.
 */
function buildId(): string | undefined {
  try {
    return buildIdOf(statSync(fileURLToPath(import.meta.url)));
  } catch {
    return undefined;
  }
}

/**
 * The change time too: npm pack writes every file with the same mtime (1985-10-26), which
 * `tar -x`, `cp -p`, rsync -a or an image layer keep (npm install does not), and the version is
 * not bumped per build: two such copies of builds whose rerun.js has the same size had one id,
 * and one's stamps vouched for records the other's schema never saw. Unpacking or copying a
 * file sets its ctime, which no tool sets back: a new copy plans once, the full way.
 */
export function buildIdOf(file: { mtimeMs: number; ctimeMs: number; size: number }): string {
  return `${GENERATOR_VERSION}:${file.mtimeMs}:${file.ctimeMs}:${file.size}`;
}

/**
 * One stamp per spec path and format: the next bundle of the same spec replaces it. The name
 * only spreads stamps over files (the stamp itself names its spec path and format, and is
 * checked against them), so two 32-bit FNV-1a hashes do, without loading node:crypto.
 */
export function stampPath(gitDir: string, specPath: string, format: ArchiveFormat): string {
  const key = `${specPath}\0${format}`;
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return join(gitDir, 'airgap', 'rerun', `${hex(a)}${hex(b)}.json`);
}

async function readStamp(path: string): Promise<RerunStamp | undefined> {
  let stamp: Partial<RerunStamp>;
  try {
    stamp = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  // Checked by hand (no zod here); a stamp of any other shape is ignored.
  const ok =
    stamp !== null &&
    typeof stamp === 'object' &&
    stamp.format === STAMP_FORMAT &&
    typeof stamp.build === 'string' &&
    typeof stamp.commit === 'string' &&
    typeof stamp.tree === 'string' &&
    typeof stamp.specPath === 'string' &&
    typeof stamp.archiveFormat === 'string' &&
    isArchiveFormat(stamp.archiveFormat) &&
    typeof stamp.id === 'string' &&
    /^[^/\\]+$/.test(stamp.id) &&
    (typeof stamp.record === 'string'
      ? stamp.recordSha256 === undefined
      : typeof stamp.recordSha256 === 'string') &&
    Number.isSafeInteger(stamp.totalBytes) &&
    typeof stamp.spec === 'object' &&
    stamp.spec !== null &&
    Array.isArray(stamp.spec.files) &&
    stamp.spec.files.every((f) => typeof f === 'string') &&
    (stamp.spec.exclude === undefined ||
      (Array.isArray(stamp.spec.exclude) &&
        stamp.spec.exclude.every((f) => typeof f === 'string'))) &&
    typeof stamp.spec.environment === 'string';
  return ok ? (stamp as RerunStamp) : undefined;
}

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

/**
 * Leaves the stamp after a bundle (built or found prepared). `parsed` is what the schema makes
 * of `json`, the record the repo now holds; no stamp unless plain JSON.parse gives the same,
 * and the spec survives JSON, so the rerun's record and spec are the full plan's.
 */
export async function writeRerunStamp(plan: {
  gitDir: string;
  commit: string;
  tree: string;
  specPath: string;
  format: ArchiveFormat;
  id: string;
  spec: BundleSpec;
  totalBytes: number;
  json: string;
  parsed: BundleRecord;
}): Promise<void> {
  const build = buildId();
  if (!build || !plan.tree) return;
  const stamp: RerunStamp = {
    format: STAMP_FORMAT,
    build,
    commit: plan.commit,
    tree: plan.tree,
    specPath: plan.specPath,
    archiveFormat: plan.format,
    id: plan.id,
    ...(plan.json.length <= RECORD_KEPT
      ? { record: plan.json }
      : { recordSha256: recordSha256(plan.json) }),
    totalBytes: plan.totalBytes,
    spec: plan.spec,
  };
  const path = stampPath(plan.gitDir, plan.specPath, plan.format);
  const text = `${JSON.stringify(stamp)}\n`;
  // The same stamp already there was written by this build for these record bytes and this
  // tree's spec, so it passed the checks below, which would pass again: a warm bundle of
  // 50,000 files whose bundle directory went skips parsing its 9 MB record and comparing it
  // (~0.13 s of the main thread, after the archive is written).
  if ((await readFile(path, 'utf8').catch(() => undefined)) === text) return;
  // Loaded here: the build has it already, the rerun must not pay for it.
  const { isDeepStrictEqual } = await import('node:util');
  let plain: unknown;
  try {
    plain = JSON.parse(plan.json);
  } catch {
    return;
  }
  if (!isDeepStrictEqual(plain, plan.parsed)) return;
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(plan.spec)), plan.spec)) return;
  try {
    await mkdir(join(plan.gitDir, 'airgap', 'rerun'), { recursive: true });
    // Loaded here: the build has it already, the rerun must not pay for it.
    const { writeFileAtomically } = await import('../../util/atomic.js');
    // A cache: a crash may lose it, and the next run plans the full way.
    await writeFileAtomically(path, text, { fsync: false });
  } catch {
    // Without a stamp the next rerun only takes longer.
  }
}
