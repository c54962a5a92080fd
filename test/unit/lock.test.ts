import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, isStale, parseLockHolder } from '../../src/repo/lock.js';
import { expectAirgapError } from '../helpers/errors.js';
import { tempDir } from '../helpers/fixtures.js';

describe('parseLockHolder and isStale', () => {
  it('reads the holder, and older bare-pid locks', () => {
    expect(parseLockHolder('{"pid":12,"host":"h","started":"2026-01-01T00:00:00Z"}')).toEqual({
      pid: 12,
      host: 'h',
      started: '2026-01-01T00:00:00Z',
    });
    expect(parseLockHolder('34\n')).toMatchObject({ pid: 34, host: hostname() });
    expect(parseLockHolder('')).toBeUndefined();
    expect(parseLockHolder('garbage')).toBeUndefined();
  });

  it('is stale only for a dead process on this host, never for an unreadable lock', () => {
    const dead = () => false;
    expect(isStale({ pid: 1, host: hostname(), started: '' }, dead)).toBe(true);
    expect(isStale({ pid: 1, host: hostname(), started: '' }, () => true)).toBe(false);
    expect(isStale({ pid: 1, host: 'elsewhere', started: '' }, dead)).toBe(false);
    expect(isStale(undefined, dead)).toBe(false);
  });

  it('is stale for a live pid that another process holds now (pid 1 of an earlier container)', () => {
    const alive = () => true;
    const holder = { pid: 1, host: hostname(), started: '', process: 'boot-a:100' };
    expect(isStale(holder, alive, () => 'boot-a:900')).toBe(true);
    expect(isStale(holder, alive, () => 'boot-a:100')).toBe(false);
    // Unknown start (no /proc), or a lock written without one: the pid alone decides.
    expect(isStale(holder, alive, () => undefined)).toBe(false);
    const { process: _, ...old } = holder;
    expect(isStale(old, alive, () => 'boot-a:900')).toBe(false);
  });
});

describe('acquireLock', () => {
  it('records pid, host and start time, and releases', async () => {
    await using tmp = await tempDir('airgap-lock-');
    const path = join(tmp.path, 'x.lock');
    const release = acquireLock(path, new Date('2026-02-13T09:00:00Z'));
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Number.isNaN(Date.parse(String(holder.started)))).toBe(false);
    expect(holder.started).toBe('2026-02-13T09:00:00.000Z');
    release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a live holder and an empty lock, and takes over a dead one', async () => {
    await using tmp = await tempDir('airgap-lock-');
    const path = join(tmp.path, 'x.lock');
    const release = acquireLock(path, new Date());
    const live = await expectAirgapError(
      Promise.resolve().then(() => acquireLock(path, new Date())),
    );
    expect(live.exitCode).toBe(22);
    expect(live.message).toContain(`pid ${process.pid}`);
    release();

    writeFileSync(path, '');
    const empty = await expectAirgapError(
      Promise.resolve().then(() => acquireLock(path, new Date())),
    );
    expect(empty.message).toContain('is empty');
    expect(readFileSync(path, 'utf8')).toBe('');

    writeFileSync(path, JSON.stringify({ pid: 999999999, host: hostname(), started: 'x' }));
    const takeOver = acquireLock(path, new Date());
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
    takeOver();

    // A lock of this very pid written by a process that started at another time (a container's
    // pid 1 of an earlier run): taken over. The real start of this process is kept in the lock.
    const held = acquireLock(path, new Date());
    const mine = JSON.parse(readFileSync(path, 'utf8')) as { process?: string };
    held();
    if (process.platform === 'linux') expect(mine.process).toMatch(/^\S+:\d+$/);
    writeFileSync(
      path,
      JSON.stringify({ pid: process.pid, host: hostname(), started: 'x', process: 'other:1' }),
    );
    if (mine.process) acquireLock(path, new Date())();
    else await expectAirgapError(Promise.resolve().then(() => acquireLock(path, new Date())));
    rmSync(path, { force: true });
  });
});
