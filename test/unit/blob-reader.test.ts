import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobReader, blobSizeOf } from '../../src/repo/blob-reader.js';
import { tempDir } from '../helpers/fixtures.js';

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

describe('BlobReader', () => {
  it('hands on every blob whole and in order, however git cat-file cuts its output', async () => {
    await using tmp = await tempDir('airgap-blobs-');
    const repo = tmp.path;
    execFileSync('git', ['init', '-q', repo]);
    // Sizes from empty to past a 64 KiB pipe read, so blobs end inside reads and span them.
    // Where a read ends depends on timing: a header cut in two is likely, not guaranteed.
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const blobs = Array.from({ length: 300 }, (_, i) =>
      Buffer.from(`${i}:`.repeat(next() % 4 ? next() % 3000 : next() % 40000)),
    );
    // Written and added at once (a git process per blob took seconds); ids in the blobs' order.
    for (const [i, blob] of blobs.entries()) writeFileSync(join(repo, `f${i}`), blob);
    execFileSync('git', ['add', '-A'], { cwd: repo });
    const staged = new Map(
      execFileSync('git', ['ls-files', '-s'], { cwd: repo, encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((line) => [line.split('\t')[1], line.split(' ')[1]] as const),
    );
    const ids = blobs.map((_, i) => staged.get(`f${i}`) ?? '');
    const reader = new BlobReader(repo, ids);
    try {
      for (const blob of blobs) {
        const chunks: Buffer[] = [];
        const size = await reader.read((chunk) => void chunks.push(Buffer.from(chunk)));
        expect(size).toBe(blob.length);
        expect(Buffer.concat(chunks).equals(blob)).toBe(true);
      }
    } finally {
      reader.close();
    }
  });
});
