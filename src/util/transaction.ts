import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, link, mkdir, open, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** One document to write: its new text, or a (large) temp file of the caller's to move in. */
export interface DocumentWrite {
  /** Path relative to the repo root. */
  rel: string;
  content?: string;
  /** Moved (renamed) into place, copied when it is on another file system. */
  fromFile?: string;
}

/** The file-system calls a transaction makes, replaceable in tests to inject failures. */
export interface TransactionFs {
  writeFile(path: string, data: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

async function durableWrite(path: string, data: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function durableCopy(from: string, to: string): Promise<void> {
  await pipeline(createReadStream(from), createWriteStream(to, { flags: 'wx', mode: 0o644 }));
  const handle = await open(to, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export const realTransactionFs: TransactionFs = {
  writeFile: durableWrite,
  copyFile: durableCopy,
  rename,
};

/** Why a set of documents could not be written; every document was left as it was. */
export class TransactionError extends Error {
  constructor(
    readonly rel: string,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${rel}: ${reason}`, options);
    this.name = 'TransactionError';
  }
}

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return 'no space left on the device';
  if (e.code === 'EROFS') return 'the file system is read-only';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  return e.message ?? String(error);
}

const exists = (path: string) =>
  stat(path).then(
    (s) => s,
    () => undefined,
  );

/**
 * Writes a set of documents all or nothing. Every new version is staged (written and synced)
 * under `stagingDir` first, so a full disk fails before any document changes; a document
 * someone made read-only is refused before any rename; then each staged file is renamed over
 * its target, and if one rename fails, the ones already done are rolled back from hard-linked
 * copies of the originals. `stagingDir` must be on the repo's file system (rename is atomic
 * only within one), e.g. `.git/airgap/`. Throws TransactionError naming the document.
 */
export async function writeDocuments(
  root: string,
  writes: readonly DocumentWrite[],
  stagingDir: string,
  fs: TransactionFs = realTransactionFs,
): Promise<void> {
  if (!writes.length) return;
  await mkdir(stagingDir, { recursive: true });
  const staged = writes.map((w, i) => ({ ...w, staged: join(stagingDir, `new-${i}`) }));
  const backups: Array<{ target: string; backup?: string }> = [];
  const createdDirs: string[] = [];
  try {
    // Staged side by side, so their fsyncs overlap (a first bundle's two took 3-25 ms of wall
    // each on ext4, one after the other); all have settled before the first rename, and the
    // first failure in the order given is the one reported, as when they ran in turn.
    const stagings = await Promise.allSettled(
      staged.map(async (w) => {
        if (w.content !== undefined) await fs.writeFile(w.staged, w.content);
        else if (w.fromFile) await moveOrCopy(fs, w.fromFile, w.staged);
      }),
    );
    for (const [i, result] of stagings.entries()) {
      if (result.status === 'rejected') {
        throw new TransactionError(staged[i]!.rel, reasonOf(result.reason), {
          cause: result.reason,
        });
      }
    }
    for (const w of staged) {
      const current = await exists(join(root, w.rel));
      if (current && (current.mode & 0o222) === 0)
        throw new TransactionError(w.rel, 'the file is read-only');
    }
    for (const [i, w] of staged.entries()) {
      const target = join(root, w.rel);
      try {
        createdDirs.push(...(await makeParents(dirname(target))));
        const current = await exists(target);
        if (current) {
          const backup = join(stagingDir, `old-${i}`);
          await link(target, backup);
          backups.push({ target, backup });
          await chmod(w.staged, current.mode & 0o7777);
        } else backups.push({ target });
        await fs.rename(w.staged, target);
      } catch (error) {
        await rollBack(backups, createdDirs);
        throw new TransactionError(w.rel, reasonOf(error), { cause: error });
      }
    }
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}

/** Creates the missing directories above a path, returning them deepest first. */
async function makeParents(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let d = dir; !(await exists(d)); d = dirname(d)) missing.push(d);
  if (missing.length) await mkdir(dir, { recursive: true });
  return missing;
}

async function rollBack(
  done: ReadonlyArray<{ target: string; backup?: string }>,
  createdDirs: readonly string[],
): Promise<void> {
  for (const { target, backup } of [...done].reverse()) {
    if (backup) await rename(backup, target).catch(() => {});
    else await unlink(target).catch(() => {});
  }
  for (const dir of createdDirs) await rmdir(dir).catch(() => {});
}

async function moveOrCopy(fs: TransactionFs, from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.copyFile(from, to);
  }
}
