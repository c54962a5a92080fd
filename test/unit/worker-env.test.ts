import { statfsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/ops-repo.js';
import { MIN_FREE, testTmpdir, workerEnv } from '../setup/worker-env.js';

/** /dev/shm as testTmpdir needs it: tmpfs with room (Docker's default is a 64 MiB tmpfs). */
const shm = (() => {
  try {
    const fs = statfsSync('/dev/shm');
    return { tmpfs: fs.type === 0x01021994, room: fs.bavail * fs.bsize >= MIN_FREE };
  } catch {
    return { tmpfs: false, room: false };
  }
})();

describe('the test workers environment (test/setup/worker-env.ts)', () => {
  it.runIf(shm.tmpfs && !shm.room)('leaves a tmpfs without room alone', () => {
    expect(testTmpdir({})).toBeUndefined();
  });

  it.runIf(shm.tmpfs && shm.room)('puts temp files in a directory of their own on tmpfs', () => {
    const dir = testTmpdir({});
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
