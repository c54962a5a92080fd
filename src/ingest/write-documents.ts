import { copyFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '../util/atomic.js';

/** One document an ingest changes: its new text, or a file holding it (large runbooks). */
export interface DocumentWrite {
  /** Repo-relative path. */
  rel: string;
  content?: string;
  fromFile?: string;
}

/**
 * The write phase: every document was computed before this runs, so a failure before it
 * leaves the repo as it was. Each file is replaced atomically (temp file + rename).
 */
export async function writeDocuments(
  root: string,
  writes: readonly DocumentWrite[],
): Promise<void> {
  for (const w of writes) {
    const target = join(root, w.rel);
    if (w.content !== undefined) {
      await writeFileAtomically(target, w.content);
    } else if (w.fromFile) {
      const temp = join(dirname(target), `.${process.pid}.airgap.tmp`);
      await writeFileAtomically(temp, '');
      await copyFile(w.fromFile, temp);
      await rename(temp, target);
    }
  }
}
