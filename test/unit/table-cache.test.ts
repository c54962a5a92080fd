import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineFilter } from '../../src/secrets/line-filter.js';
import { lineFilter, rules } from '../../src/secrets/scanner.js';
import { cachedTable, KEEP_TABLES } from '../../src/secrets/table-cache.js';
import { fixture, tempDir } from '../helpers/fixtures.js';

const dir = fixture(() => tempDir('airgap-table-cache-'));

const words = ['pass', 'token', 'sk'];
/** A stand-in builder that counts its calls: the cache must call it only when it has no good copy. */
let builds = 0;
const build = (list: readonly string[]) => {
  builds++;
  return Int32Array.from(
    list.flatMap((w, i) => Array.from({ length: 128 }, (_, c) => w.length * c + i)),
  );
};
const file = () => {
  const names = readdirSync(dir().path).filter((n) => n.endsWith('.bin'));
  expect(names).toHaveLength(1);
  return join(dir().path, names[0] as string);
};

describe('cachedTable', () => {
  it('builds once, then reads the same table back from the cache directory', () => {
    builds = 0;
    const first = cachedTable(words, build, [1], dir().path);
    const second = cachedTable(words, build, [1], dir().path);
    expect(builds).toBe(1);
    expect(second).toEqual(first);
    expect(second).toEqual(build(words));
  });

  it('builds afresh for other words, constants or builder', () => {
    builds = 0;
    cachedTable(['pass', 'sk', 'token'], build, [1], dir().path);
    cachedTable(words, build, [2], dir().path);
    cachedTable(words, (list) => build(list), [1], dir().path);
    expect(builds).toBe(3);
    for (const name of readdirSync(dir().path)) rmSync(join(dir().path, name));
  });

  it('builds afresh, and repairs the file, when it is damaged, truncated, padded or garbage', () => {
    const good = cachedTable(words, build, [1], dir().path);
    const path = file();
    const bytes = readFileSync(path);
    const flipped = Buffer.from(bytes);
    flipped[bytes.length - 7] = (flipped[bytes.length - 7] as number) ^ 1;
    const damaged = [
      flipped,
      bytes.subarray(0, bytes.length - 512),
      Buffer.concat([bytes, Buffer.alloc(512)]),
      bytes.subarray(0, 20),
      Buffer.alloc(0),
      Buffer.from('not a table'),
    ];
    for (const content of damaged) {
      writeFileSync(path, content);
      builds = 0;
      expect(cachedTable(words, build, [1], dir().path)).toEqual(good);
      expect(builds).toBe(1);
      expect(readFileSync(path)).toEqual(bytes);
    }
  });

  it('keeps the newest KEEP_TABLES tables when it writes one, and other files', () => {
    const sweepDir = join(dir().path, 'sweep');
    mkdirSync(sweepDir);
    const old = Array.from({ length: KEEP_TABLES + 3 }, (_, i) => `line-filter-${i}a.bin`);
    old.forEach((name, i) => {
      writeFileSync(join(sweepDir, name), 'an older table');
      // Oldest first: file 0 is the oldest.
      utimesSync(join(sweepDir, name), 1e9 + i, 1e9 + i);
    });
    writeFileSync(join(sweepDir, 'notes.txt'), 'not a table');
    cachedTable(words, build, [1], sweepDir);
    const left = readdirSync(sweepDir).sort();
    expect(left.filter((n) => n.startsWith('line-filter-'))).toHaveLength(KEEP_TABLES);
    expect(left).toContain('notes.txt');
    // The new table and the newest KEEP_TABLES - 1 old ones stay.
    expect(left).toEqual(expect.arrayContaining(old.slice(old.length - KEEP_TABLES + 1)));
    expect(left).not.toContain(old[old.length - KEEP_TABLES]);
    expect(cachedTable(words, build, [1], sweepDir)).toEqual(build(words));
  });

  it('builds when the cache directory cannot be written', () => {
    const blocked = join(dir().path, 'blocked');
    writeFileSync(blocked, 'a file where the directory would be');
    builds = 0;
    expect(cachedTable(words, build, [1], join(blocked, 'airgap'))).toEqual(build(words));
    expect(builds).toBe(2);
    rmSync(blocked);
  });
});

describe('LineFilter with its table cached', () => {
  it('flags the same lines from a cached table as from a fresh build', () => {
    const keywords = rules.flatMap((r) => r.filterKeywords ?? r.keywords);
    const fresh = new LineFilter(keywords);
    const again = new LineFilter(keywords);
    expect(again.table).toEqual(fresh.table);
    expect(again.table).toEqual(lineFilter().table);
    const text = 'kind: ConfigMap\npassword = hunter2hunter2\nplain line\n';
    expect(again.flagged(text)).toEqual(fresh.flagged(text));
  });
});
