/**
 * Where the tests' temp files go: a directory on /dev/shm (tmpfs) when the machine has one with
 * room, else the usual os.tmpdir(). The tests make and remove tens of thousands of files (a
 * copied ops repo per test, bastion homes, bundles, git's own temp files); on this 2-core
 * machine's ext4 (no journal), every new inode makes the kernel walk the inodes deleted in the
 * last seconds (find_inode_bit → recently_deleted): 14% of the CPU samples of a bundle.test.ts
 * run. On tmpfs that walk does not exist: bundle.test.ts's system time went from 5.3 to 2.4 s.
 * Nothing is tested differently: the same files are written, read and removed, by the same
 * programs; only the disk under them is memory (archive-full-disk.test.ts mounts its own).
 *
 * A TMPDIR the caller set is kept (their choice, and the git-to-file unit test moves it itself).
 */
import { accessSync, constants, mkdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

const TMPFS_MAGIC = 0x01021994;
/** The most the suite holds at once is ~1 GiB (memory.test.ts's fixture, two forks): room to spare. */
const MIN_FREE = 4 * 1024 ** 3;

/** The TMPDIR the test workers get, or undefined to leave theirs as it is. */
export function testTmpdir(
  env: NodeJS.ProcessEnv = process.env,
  shm = '/dev/shm',
): string | undefined {
  if (env.TMPDIR) return undefined;
  try {
    const fs = statfsSync(shm);
    if (fs.type !== TMPFS_MAGIC || fs.bavail * fs.bsize < MIN_FREE) return undefined;
    const dir = join(shm, `airgap-test-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
    return dir;
  } catch {
    return undefined;
  }
}
