/**
 * Where the tests' temp files go: a directory on /dev/shm (tmpfs) when the machine has one with
 * room, else the usual os.tmpdir(). The tests make and remove tens of thousands of files (a
 * copied ops repo per test, bastion homes, bundles, git's own temp files); on this 2-core
 * machine's ext4 (no journal), every new inode makes the kernel walk the inodes deleted in the
 * last seconds (find_inode_bit → recently_deleted): 14% of the CPU samples of a bundle.test.ts
 * run. On tmpfs that walk does not exist: bundle.test.ts's system time went from 4.3 to 2.4 s
 * (medians of 5).
 * Nothing is tested differently: the same files are written, read and removed, by the same
 * programs; only the disk under them is memory (archive-full-disk.test.ts mounts its own).
 *
 * A TMPDIR the caller set is kept (their choice, and the git-to-file unit test moves it itself).
 */
import { accessSync, constants, mkdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

const TMPFS_MAGIC = 0x01021994;
/**
 * The suite holds under 1 GiB there at once (memory.test.ts's 384 MiB file, the README test's
 * clone with its 209 MiB node_modules, in two forks): room to spare.
 */
export const MIN_FREE = 4 * 1024 ** 3;

/** The TMPDIR the test workers get, or undefined to leave theirs as it is. */
export function testTmpdir(
  env: NodeJS.ProcessEnv = process.env,
  shm = '/dev/shm',
  minFree = MIN_FREE,
): string | undefined {
  if (env.TMPDIR) return undefined;
  try {
    const fs = statfsSync(shm);
    if (fs.type !== TMPFS_MAGIC || fs.bavail * fs.bsize < minFree) return undefined;
    const dir = join(shm, `airgap-test-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * What vitest.config.ts adds to the test workers' environment (and so to every child they
 * start): the temp dir above, and no NODE_EXTRA_CA_CERTS. Node reads and parses that bundle at
 * every start, before any code runs (here /etc/ssl/certs/ca-certificates.crt, ~140 certificates:
 * `node -e 0` 91-149 ms of CPU with it, 33-37 ms without, perf stat -r 10). The suite starts
 * a node process for every CLI run and makes no TLS connection (S3 is s3rver on loopback over
 * http), so the tests' node children pay it for nothing. The README-install test hands the
 * caller's value back to npm, which may reach the registry (AIRGAP_TEST_NODE_EXTRA_CA_CERTS).
 */
export function workerEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const tmp = testTmpdir(env);
  const ca = env.NODE_EXTRA_CA_CERTS;
  return {
    ...(tmp ? { TMPDIR: tmp } : {}),
    ...(ca ? { NODE_EXTRA_CA_CERTS: '', AIRGAP_TEST_NODE_EXTRA_CA_CERTS: ca } : {}),
  };
}
