import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { RUNBOOK } from '../../docs/runbook-document.js';
import { gzipFile } from '../../util/gzip-file.js';
import type { CleanResult } from '../clean/clean.js';
import { type HelperEcho, type SpooledTranscript, spoolTranscript } from '../parse/spool.js';
import { iso } from './runbook.js';

export const RUNBOOKS_DIR = RUNBOOK.file;

export interface BundleTranscripts {
  /** Repo-relative directory of the kept pastes of the bundle. */
  dir: string;
  /** File name of this paste in that directory (an existing one when seen before). */
  name: string;
  /** The same paste was ingested before: nothing new to keep. */
  duplicate: boolean;
  /** Every paste of the bundle, in name (time) order, split by unit. */
  spooled: SpooledTranscript[];
  /** Repo-relative paths of the kept pastes, in the same order. */
  paths: string[];
  /** What to write as this paste's kept transcript: the cleaned copy, or it gzipped. */
  keptFile?: string;
  /**
   * Settles when keptFile is written (on another thread, while the runbook is rendered): await
   * it before reading keptFile, and before removing the run directory even after a failure.
   */
  compressed?: Promise<void>;
}

/**
 * No file airgap writes into the repo is larger: git hosts warn at 50 MB and refuse 100 MB.
 * A larger transcript is kept gzipped; the runbook quotes outputs only up to a cap.
 */
export const MAX_REPO_FILE_BYTES = 50 * 1024 * 1024;

/** Where the kept transcript is written gzipped in the run's work directory. */
export function keptGzPath(work: string): string {
  return join(work, 'kept.log.gz');
}

/**
 * Every distinct paste of a bundle is kept; the runbook is re-rendered from all of them, so a
 * session split over two pastes is completed by the second and the same paste twice is a no-op.
 */
export async function gatherTranscripts(
  root: string,
  bundleId: string,
  cleaned: CleanResult,
  work: string,
  echo: HelperEcho,
  /** The record's command of each unit (`kind:n`). */
  commands: ReadonlyMap<string, string>,
  maxFileBytes = MAX_REPO_FILE_BYTES,
): Promise<BundleTranscripts> {
  const dir = join(RUNBOOKS_DIR, 'transcripts', bundleId);
  const existing = existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.log') || f.endsWith('.log.gz'))
        .sort()
    : [];
  const shortSha = cleaned.sha256.slice(0, 12);
  const began = iso(cleaned.firstEpoch).replace(/[-:]/g, '');
  const duplicateOf =
    existing.find((f) => f.includes(shortSha)) ??
    (await sameTextAs(
      cleaned.path,
      existing.filter((f) => f.startsWith(`${began}-`)).map((f) => join(root, dir, f)),
    ));
  // The name remembers a rejoined copy, so every later render still says so.
  const wrap = cleaned.wrapWidth ? `-w${cleaned.wrapWidth}` : '';
  const gz = statSync(cleaned.path).size > maxFileBytes ? '.gz' : '';
  const name = duplicateOf ?? `${began}-${shortSha}${wrap}.log${gz}`;
  const names = duplicateOf ? existing : [...existing, name].sort();
  // Compressed on another thread while this one spools (begun while cleaning, when it grew
  // over the limit at a path the caller chose): the worker reads the cleaned copy only.
  const keptFile = gz && !duplicateOf ? keptGzPath(work) : undefined;
  const begun = cleaned.gzipped;
  if (begun && begun.to !== keptFile) await begun.cancel();
  const compressed = keptFile
    ? begun?.to === keptFile
      ? begun.done
      : gzipFile(cleaned.path, keptFile)
    : undefined;
  // Handled here until the caller awaits it (its failure still rejects there).
  compressed?.catch(() => undefined);
  const spooled: SpooledTranscript[] = [];
  try {
    await spoolAll();
  } catch (error) {
    // The worker writes into the run directory the caller removes: let it finish first.
    await compressed?.catch(() => undefined);
    throw error;
  }
  return {
    ...(keptFile && compressed ? { keptFile, compressed } : {}),
    dir,
    name,
    duplicate: Boolean(duplicateOf),
    spooled,
    paths: names.map((n) => `${dir}/${n}`),
  };

  async function spoolAll(): Promise<void> {
    for (const [index, each] of names.entries()) {
      let path = each === name && !duplicateOf ? cleaned.path : join(root, dir, each);
      if (path !== cleaned.path && each.endsWith('.gz')) {
        // Outputs are byte ranges of the transcript: it is read from a plain copy.
        const plain = join(work, `kept-${index}.log`);
        await pipeline(createReadStream(path), createGunzip(), createWriteStream(plain));
        path = plain;
      }
      const spool = await spoolTranscript(path, each, index, work, bundleId, echo, commands);
      const width = /-w(\d+)\.log(\.gz)?$/.exec(each)?.[1];
      if (width) spool.wrapWidth = Number(width);
      spooled.push(spool);
    }
  }
}

/**
 * The kept paste (of those that began the same second) that is another copy of this one: the
 * same text but for whitespace. A session copied from the terminal again, at another width
 * (rejoined, with the spaces a terminal drops at the fold) or through `script`, differs only
 * there; its bytes, and so its digest, do not match. Its file name, or undefined.
 */
async function sameTextAs(path: string, kept: readonly string[]): Promise<string | undefined> {
  if (!kept.length) return undefined;
  const mine = await textDigest(path);
  for (const each of kept) if ((await textDigest(each)) === mine) return basename(each);
  return undefined;
}

/** sha256 of a transcript's bytes without spaces, tabs, CRs and LFs (gunzipped if .gz). */
async function textDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  const source = createReadStream(path);
  const bytes = path.endsWith('.gz') ? source.pipe(createGunzip()) : source;
  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    const kept = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (const byte of chunk)
      if (byte !== 32 && byte !== 9 && byte !== 10 && byte !== 13) kept[n++] = byte;
    hash.update(kept.subarray(0, n));
  }
  return hash.digest('hex');
}
