import { describe, expect, it } from 'vitest';
import { blobSizeOf } from '../../src/repo/blob-reader.js';

const id = 'a'.repeat(40);

describe('blobSizeOf', () => {
  it('reads the size of a cat-file --batch header and refuses anything else', () => {
    expect(blobSizeOf(Buffer.from(`${id} blob 0`))).toBe(0);
    expect(blobSizeOf(Buffer.from(`${id} blob 1073741824`))).toBe(1073741824);
    for (const line of [
      `${id} missing`,
      `${id} tree 12`,
      `${id} blob `,
      `${id} blob 1x`,
      ' blob 3',
      '',
    ])
      expect(blobSizeOf(Buffer.from(line))).toBe(-1);
  });
});
