import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileChunks } from '../../src/ingest/read/file-chunks.js';

describe('FileChunks: a read ahead that fails', () => {
  it('is the next chunk’s error, not an unhandled rejection while the reader works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airgap-file-chunks-error-'));
    const path = join(dir, 'transcript.log');
    writeFileSync(path, Buffer.alloc(3 * 1024, 'a'));
    // Every file handle's second read, in this test only, fails as a disk's EIO would: it is
    // FileChunks' read ahead, under way while the reader still works on the first chunk.
    const probe = await open(path, 'r');
    const proto = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const read = proto.read;
    let reads = 0;
    proto.read = function (this: FileHandle, ...args: unknown[]) {
      if (++reads === 2)
        return Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
      return (read as (...a: unknown[]) => ReturnType<FileHandle['read']>).apply(this, args);
    } as FileHandle['read'];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const chunks = new FileChunks(path, 1024)[Symbol.asyncIterator]();
      expect((await chunks.next()).value).toHaveLength(1024);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the reader works on its chunk
      expect(unhandled).toEqual([]);
      await expect(chunks.next()).rejects.toThrow('EIO');
      expect(reads).toBe(2);
      expect(unhandled).toEqual([]);
    } finally {
      proto.read = read;
      process.off('unhandledRejection', onUnhandled);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
