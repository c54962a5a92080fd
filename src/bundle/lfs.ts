import type { ContentProblem } from './manifests.js';

/** Git LFS pointers are small text files; the spec caps them at 1024 bytes. */
const POINTER_MAX_BYTES = 1024;
const POINTER_START = 'version https://git-lfs.github.com/spec/v1\n';

/**
 * A committed Git LFS pointer stands in for content that lives elsewhere: shipping it puts a
 * 130-byte text file where the cluster expects the real one.
 */
export function lfsPointerProblem(path: string, text: string | undefined): ContentProblem[] {
  if (text === undefined || text.length > POINTER_MAX_BYTES || !text.startsWith(POINTER_START))
    return [];
  const size = /^size (\d+)$/m.exec(text)?.[1];
  return [
    {
      path,
      line: 1,
      kind: 'manifest',
      message: `is a Git LFS pointer${size ? ` to ${size} bytes` : ''}, not the file; commit the content itself (git lfs untrack, git add --renormalize) or leave it out of the bundle`,
    },
  ];
}
