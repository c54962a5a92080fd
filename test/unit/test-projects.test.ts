import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import config, { slowUnitTests } from '../../vitest.config.js';
import { fileOrder, LongestFirst } from '../file-order.js';
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

describe('the build npm test runs beside the unit project (test/setup/)', () => {
  it('is started by the integration project, whose files wait for it', () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toBe('AIRGAP_TEST_BUILD=1 vitest run');
    const integration = (
      (config.test?.projects ?? []) as Array<{
        test: { name: string; globalSetup?: string[]; setupFiles?: string[] };
      }>
    ).find((p) => p.test.name === 'integration');
    expect(integration?.test.globalSetup).toEqual(['test/setup/fresh-bin.ts']);
    expect(integration?.test.setupFiles).toEqual(['test/setup/wait-build.ts']);
  });
});

describe('the order npm test starts its files in (test/file-order.ts)', () => {
  const seconds = { 'test/a.test.ts': 5, 'test/b.test.ts': 60, 'test/c.test.ts': 5 };

  it('starts the longest files of the table first, ties by path', () => {
    const files = ['test/a.test.ts', 'test/c.test.ts', 'test/b.test.ts'].map((path) => ({ path }));
    expect(fileOrder(files, seconds)).toEqual([
      'test/b.test.ts',
      'test/a.test.ts',
      'test/c.test.ts',
    ]);
    expect(fileOrder([...files].reverse(), seconds)).toEqual(fileOrder(files, seconds));
  });

  it("puts last run's failures first, then files the table does not know", () => {
    const files = [
      { path: 'test/b.test.ts' },
      { path: 'test/new.test.ts' },
      { path: 'test/c.test.ts', failed: true },
    ];
    expect(fileOrder(files, seconds)).toEqual([
      'test/c.test.ts',
      'test/new.test.ts',
      'test/b.test.ts',
    ]);
  });

  it('is the sequencer of npm test, and its table starts the README install first', async () => {
    expect(config.test?.sequence?.sequencer).toBe(LongestFirst);
    const table = JSON.parse(readFileSync(join(projectRoot, 'test/durations.json'), 'utf8'));
    const paths = ['test/unit/sh.test.ts', 'test/e2e/readme-install.test.ts'];
    for (const path of paths) expect(table[path]).toBeGreaterThan(0);
    // The sequencer on vitest's own objects: paths relative to the root, the cache asked by
    // project and path.
    const asked: string[] = [];
    const ctx = {
      config: { root: projectRoot },
      cache: {
        getFileTestResults: (key: string) => {
          asked.push(key);
          return undefined;
        },
      },
    } as unknown as Vitest;
    const specs = paths.map(
      (path) =>
        ({ moduleId: join(projectRoot, path), project: { name: 'p' } }) as TestSpecification,
    );
    const sorted = await new LongestFirst(ctx).sort(specs);
    expect(sorted.map((spec) => spec.moduleId)).toEqual([specs[1]?.moduleId, specs[0]?.moduleId]);
    expect(asked.sort()).toEqual(paths.map((path) => `p:${path}`).sort());
  });
});
