import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contextOf, stoppedClock } from '../../src/commands/context.js';
import { discard } from '../../src/commands/discard/discard.js';
import { init } from '../../src/commands/init/init.js';
import { readPendingEntries, upsertPendingEntry } from '../../src/docs/pending-changes.js';
import { tempDir } from '../helpers/fixtures.js';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Where src/ may still read the clock, the working directory or stdin itself, and why. Any
 * other file doing so is a second way around CommandContext.
 */
const ALLOWED: Record<string, string> = {
  'commands/context.ts': 'the defaults of CommandContext',
  'cli/main.ts': 'the CLI process itself',
  'repo/airgap-dir.ts': 'Date.now() makes a temp name unique; no time is computed',
  'util/progress.ts': "the progress meter's default clock for its rate (a display only)",
};

describe('CommandContext', () => {
  it('defaults to the real clock, directory and stdin, and keeps what is given', () => {
    const real = contextOf();
    expect(real.cwd).toBe(process.cwd());
    expect(real.now()).toBeInstanceOf(Date);
    const stopped = stoppedClock('2026-02-13T09:00:00Z');
    const given = contextOf({ now: stopped, cwd: '/nowhere' });
    expect(given.now().toISOString()).toBe('2026-02-13T09:00:00.000Z');
    expect(given.cwd).toBe('/nowhere');
    // A stopped clock hands out copies: a caller changing its Date stops no one else's.
    given.now().setFullYear(1999);
    expect(given.now().getFullYear()).toBe(2026);
  });

  it('is the only way src/ reads the clock, the working directory or stdin', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(srcDir)) {
      const rel = relative(srcDir, file).split('\\').join('/');
      if (rel in ALLOWED) continue;
      const text = readFileSync(file, 'utf8');
      for (const pattern of [/new Date\(\)/, /Date\.now\b/, /process\.cwd\(\)/, /process\.stdin/])
        if (pattern.test(text)) offenders.push(`${rel}: ${pattern.source}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the check above can fail: it sees a clock read', () => {
    expect(/Date\.now\b/.test('const t = Date.now();')).toBe(true);
  });

  it('reaches the commands: init in context.cwd, discard dated by context.now', async () => {
    await using tmp = await tempDir('airgap-context-');
    const repo = tmp.path;
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const set = await init({ context: { cwd: repo } });
    expect(set.root).toBe(
      execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: repo }).toString().trim(),
    );
    const pending = join(repo, 'PENDING-CHANGES.md');
    const row = {
      bundleId: 'dev-topics-1234567',
      environment: 'dev',
      status: 'prepared' as const,
      commit: 'abc',
      date: '2026-02-01',
      files: 1,
      images: 0,
      link: 'x',
    };
    writeFileSync(pending, upsertPendingEntry(readFileSync(pending, 'utf8'), row).text);
    await discard({
      bundleId: row.bundleId,
      reason: 'replaced',
      context: { cwd: repo, now: stoppedClock('2031-07-04T23:59:59Z') },
    });
    expect(readPendingEntries(readFileSync(pending, 'utf8'))[0]).toMatchObject({
      status: 'discarded',
      date: '2031-07-04',
    });
  });
});
