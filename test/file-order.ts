/**
 * The order `npm test` starts its files in: the longest first, by a committed table of seconds
 * per file (test/durations.json, written by `node .ci/durations.mjs` from a quiet run).
 *
 * Vitest's own order is by the previous run's durations, kept in node_modules/.vite: a clean
 * clone has none, so it starts the largest files first, and the README install (a minute: npm
 * ci, two builds, a global install) and the loop e2e started after 300 and 500 s and were the
 * last files still running. With the table the two forks get the long files first and the
 * small ones fill in at the end (longest-processing-time first).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { TestSequencer, TestSpecification, Vitest } from 'vitest/node';

type Seconds = Record<string, number>;

const table: Seconds = JSON.parse(
  readFileSync(new URL('./durations.json', import.meta.url), 'utf8'),
) as Seconds;

/**
 * Sorts test files: files that failed in this checkout's last run first (as vitest does, so a
 * fix is checked first), then files the table does not know yet (a new file could be long),
 * then the table's longest first. Ties go by path, so the order is the same on every machine.
 */
export function fileOrder(
  files: readonly { path: string; failed?: boolean }[],
  seconds: Seconds,
): string[] {
  const rank = (file: { path: string; failed?: boolean }) => [
    file.failed ? 0 : 1,
    file.path in seconds ? 1 : 0,
    -(seconds[file.path] ?? 0),
  ];
  return [...files]
    .sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (ra[i] ?? 0) - (rb[i] ?? 0);
      return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
    })
    .map((file) => file.path);
}

export class LongestFirst implements TestSequencer {
  constructor(private readonly ctx: Vitest) {}

  async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const byPath = new Map<string, TestSpecification[]>();
    const files = specs.map((spec) => {
      const path = relative(root, spec.moduleId).split('\\').join('/');
      byPath.set(path, [...(byPath.get(path) ?? []), spec]);
      const failed = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.failed;
      return { path, failed: failed === true };
    });
    return [...new Set(fileOrder(files, table))].flatMap((path) => byPath.get(path) ?? []);
  }

  /** `--shard` as vitest does it; the base class is loaded only then (vitest/node is large). */
  async shard(specs: TestSpecification[]): Promise<TestSpecification[]> {
    const { BaseSequencer } = await import('vitest/node');
    return new BaseSequencer(this.ctx).shard(specs);
  }
}
