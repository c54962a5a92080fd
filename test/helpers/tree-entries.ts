import type { TreeEntry } from '../../src/repo/git.js';

/** Tree entries for these files (path → text), as git ls-tree lists blobs: blob0, blob1, … */
export function blobEntries(files: Record<string, string>): TreeEntry[] {
  return Object.entries(files).map(([path, text], i) => ({
    path,
    mode: '100644',
    type: 'blob',
    objectId: `blob${i}`,
    size: Buffer.byteLength(text),
  }));
}
