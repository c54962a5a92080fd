import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_MTIME, writeTarGz } from '../../src/bundle/archive.js';
import type { Blobs } from '../../src/repo/git-access.js';
import { tempDir } from '../helpers/fixtures.js';

describe('writeTarGz on a disk that fills up', () => {
  it('fails with ENOSPC instead of returning the sha256 of an archive it cut short', async () => {
    await using tmp = await tempDir('airgap-full-');
    const mount = tmp.dir('tmpfs-');
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]).status !== 0) {
      console.warn('tmpfs cannot be mounted here (needs root): full-disk archive test skipped');
      return;
    }
    try {
      // 3 MiB that does not compress, in one 4 MiB block: the whole archive is one member,
      // so its one write comes back short (2 MiB) rather than failing.
      const data = randomBytes(3 * 1024 * 1024);
      const blobs = {
        read: async (take: (chunk: Buffer) => Promise<void> | undefined) => {
          await take(data);
          return data.length;
        },
      } as unknown as Blobs;
      const written = writeTarGz({
        format: 'tar.gz',
        mtime: ARCHIVE_MTIME,
        entries: [{ path: 'k8s/blob.bin', size: data.length, mode: '100644' }],
        blobs,
        outPath: join(mount, 'bundle.tar.gz'),
        onChunk: () => undefined,
        onSymlink: () => {},
        trailer: () => [],
      });
      await expect(written).rejects.toMatchObject({ code: 'ENOSPC' });
    } finally {
      expect(spawnSync('umount', [mount]).status).toBe(0);
    }
  });
});
