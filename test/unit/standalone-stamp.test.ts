import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshStamp, writeStamp } from '../../scripts/lib/standalone-stamp.js';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A project with two inputs, a script and an output, stamped as a build that read both. */
function stamped() {
  root = mkdtempSync(join(tmpdir(), 'airgap-stamp-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist'));
  for (const [file, text] of [
    ['src/a.ts', 'a'],
    ['src/b.ts', 'b'],
    ['dist/build.js', 'script'],
    ['dist/out.mjs', 'bundle'],
  ])
    writeFileSync(join(root, file!), text!);
  const path = join(root, 'dist/out.stamp.json');
  const always = [join(root, 'dist/build.js'), join(root, 'dist/out.mjs')];
  writeStamp(path, root, [join(root, 'src/b.ts'), 'src/a.ts'], always, 'out.mjs 1 MiB');
  return { path, always, fresh: () => freshStamp(path, root, always) };
}

describe('the standalone build stamp (scripts/lib/standalone-stamp.ts)', () => {
  it('stands while every input, the script and the output are as stamped', () => {
    const { fresh } = stamped();
    expect(fresh()).toMatchObject({ inputs: ['src/a.ts', 'src/b.ts'], summary: 'out.mjs 1 MiB' });
  });

  for (const [change, file] of [
    ['an input edited', 'src/a.ts'],
    ['the script edited', 'dist/build.js'],
    ['the output edited', 'dist/out.mjs'],
  ] as const)
    it(`is stale with ${change}`, () => {
      const { fresh } = stamped();
      writeFileSync(join(root, file), 'changed');
      expect(fresh()).toBeUndefined();
    });

  it('is stale with an input gone or a damaged stamp, and absent before any build', () => {
    const first = stamped();
    rmSync(join(root, 'src/b.ts'));
    expect(first.fresh()).toBeUndefined();
    const second = stamped();
    writeFileSync(second.path, '{"inputs":');
    expect(second.fresh()).toBeUndefined();
    rmSync(second.path);
    expect(second.fresh()).toBeUndefined();
  });
});
