import { statfsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/ops-repo.js';
import { MIN_FREE, testTmpdir, workerEnv } from '../setup/worker-env.js';

/** /dev/shm as testTmpdir needs it: a tmpfs (Docker's default is one of 64 MiB). */
const shmIsTmpfs = (() => {
  try {
    return statfsSync('/dev/shm').type === 0x01021994;
  } catch {
    return false;
  }
})();

describe('the test workers environment (test/setup/worker-env.ts)', () => {
  it('asks for the room the suite needs: 4 GiB', () => {
    expect(MIN_FREE).toBe(4 * 1024 ** 3);
  });

  // Both cases on every machine with a tmpfs at /dev/shm, whatever its free space: the room
  // asked for is a parameter (one byte more than the mount has, or none).
  it.runIf(shmIsTmpfs)('leaves a tmpfs without room alone', () => {
    const fs = statfsSync('/dev/shm');
    expect(testTmpdir({}, '/dev/shm', fs.blocks * fs.bsize + 1)).toBeUndefined();
  });

  it.runIf(shmIsTmpfs)('puts temp files in a directory of their own on tmpfs', () => {
    const dir = testTmpdir({}, '/dev/shm', 0);
    expect(dir).toMatch(/^\/dev\/shm\/airgap-test-/);
    expect(statSync(dir as string).isDirectory()).toBe(true);
    expect(statfsSync(dir as string).type).toBe(0x01021994);
  });

  it('keeps a TMPDIR the caller set, and ext4 or a missing mount is no tmpfs', () => {
    expect(testTmpdir({ TMPDIR: '/var/tmp' })).toBeUndefined();
    expect(workerEnv({ TMPDIR: '/var/tmp' })).toEqual({});
    expect(testTmpdir({}, projectRoot)).toBeUndefined();
    expect(testTmpdir({}, '/no/such/mount')).toBeUndefined();
  });

  it('clears NODE_EXTRA_CA_CERTS for the workers and keeps its value for npm', () => {
    const env = workerEnv({ TMPDIR: '/var/tmp', NODE_EXTRA_CA_CERTS: '/etc/ca.crt' });
    expect(env).toEqual({
      NODE_EXTRA_CA_CERTS: '',
      AIRGAP_TEST_NODE_EXTRA_CA_CERTS: '/etc/ca.crt',
    });
    // vitest.config.ts hands it to this worker: its node children start without the bundle.
    expect(process.env.NODE_EXTRA_CA_CERTS ?? '').toBe('');
  });
});
