import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { slowUnitTests } from '../../vitest.config.js';
import { projectRoot } from '../helpers/ops-repo.js';

describe('the vitest projects (vitest.config.ts)', () => {
  it('names only slow unit files that exist (a stale entry would move nothing)', () => {
    const missing = slowUnitTests.filter((file) => !existsSync(join(projectRoot, file)));
    expect(missing).toEqual([]);
    expect(slowUnitTests.every((file) => file.startsWith('test/unit/'))).toBe(true);
  });

  it('keeps the slow files out of the fast loop and in npm test', () => {
    const projects = (config.test?.projects ?? []) as Array<{
      test: { name: string; include: string[]; exclude?: string[] };
    }>;
    const byName = new Map(projects.map((p) => [p.test.name, p.test]));
    expect([...byName.keys()]).toEqual(['unit', 'slow', 'integration']);
    expect(byName.get('unit')?.exclude).toEqual(slowUnitTests);
    expect(byName.get('slow')?.include).toEqual(slowUnitTests);
  });

  it('runs the unit files in one worker: the threads pool takes isolate from the root options', () => {
    // A project's own `isolate: false` does not reach the pool; without the root option each
    // unit file got a fresh worker and imported the module graph again (4x the CPU).
    expect(config.test?.poolOptions?.threads?.isolate).toBe(false);
    // Integration files wait on bash and git: two forks keep both cores of the machine busy.
    expect(config.test?.poolOptions?.forks).toEqual({ isolate: false, maxForks: 2 });
    const unit = (
      (config.test?.projects ?? []) as Array<{
        test: { name: string; pool?: string; isolate?: boolean };
      }>
    ).find((p) => p.test.name === 'unit');
    expect(unit?.test).toMatchObject({ pool: 'threads', isolate: false });
  });
});
