/**
 * The rerun's stamp in `.git/airgap/rerun/` (rerun.ts reads it): its format, where it lives,
 * the build it vouches for, and its writer, which leaves one only for a record and spec the
 * rerun would read back exactly as the full plan does.
 */
import { statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ArchiveFormat, isArchiveFormat } from '../../model/archive-formats.js';
import type { BundleRecord } from '../../model/record.js';
import type { BundleSpec } from '../../model/spec.js';
import { GENERATOR_VERSION } from '../../model/version.js';
import { recordSha256 } from './vouched-record.js';

const STAMP_FORMAT = 'airgap-rerun/3';

/**
 * Past this many characters the stamp holds the record's sha256, not its bytes: escaping them
 * into the stamp and parsing them back out cost more than loading node:crypto (~10 ms) and
 * hashing. A 50,000-file record (10 MB), CPU at load 16: the bundle's stamp write ~200 ms
 * against ~50 ms, the rerun's stamp read and compare ~250 ms against ~150 ms.
 */
export const RECORD_KEPT = 1024 * 1024;

export interface RerunStamp {
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
export function buildId(): string | undefined {
  try {
    return buildIdOf(statSync(fileURLToPath(import.meta.url)));
  } catch {
    return undefined;
  }
}

/**
 * The change time too: npm pack writes every file with the same mtime (1985-10-26), which
 * `tar -x`, `cp -p`, rsync -a or an image layer keep (npm install does not), and the version is
 * not bumped per build: two such copies of builds whose file here had the same size had one id,
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

export async function readStamp(path: string): Promise<RerunStamp | undefined> {
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
