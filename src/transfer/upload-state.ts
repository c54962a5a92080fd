import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomically } from '../util/atomic.js';

/** An unfinished multipart upload, kept in the bundle dir so the next run can resume it. */
export interface UploadState {
  bucket: string;
  key: string;
  sha256: string;
  partSize: number;
  uploadId: string;
  /** Part number → ETag of the parts S3 acknowledged. */
  parts: Record<string, string>;
}

export const UPLOAD_STATE_FILE = '.airgap-upload.json';

/** The saved state, if it is for this very archive, key and part size. */
export async function loadUploadState(
  path: string,
  expected: Pick<UploadState, 'bucket' | 'key' | 'sha256' | 'partSize'>,
): Promise<UploadState | undefined> {
  let state: Partial<UploadState>;
  try {
    state = JSON.parse(await readFile(path, 'utf8')) as Partial<UploadState>;
  } catch {
    return undefined;
  }
  const same =
    state.bucket === expected.bucket &&
    state.key === expected.key &&
    state.sha256 === expected.sha256 &&
    state.partSize === expected.partSize &&
    typeof state.uploadId === 'string';
  return same ? ({ parts: {}, ...state } as UploadState) : undefined;
}

export async function saveUploadState(path: string, state: UploadState): Promise<void> {
  await writeFileAtomically(path, JSON.stringify(state));
}

export async function clearUploadState(path: string): Promise<void> {
  await rm(path, { force: true });
}
