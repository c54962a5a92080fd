import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshStamp, writeStamp } from '../../scripts/lib/standalone-stamp.js';
import { type TempDir, tempDir } from '../helpers/fixtures.js';

/** A project (in `scratch`) with two inputs, a script and an output, stamped as a build that read both. */
function stamped(scratch: TempDir) {
  const root = scratch.dir('airgap-stamp-');
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
  return { root, path, always, fresh: () => freshStamp(path, root, always) };
}

describe('the standalone build stamp (scripts/lib/standalone-stamp.ts)', () => {
  it('stands while every input, the script and the output are as stamped', async () => {
    await using tmp = await tempDir();
    const { fresh } = stamped(tmp);
    expect(fresh()).toMatchObject({ inputs: ['src/a.ts', 'src/b.ts'], summary: 'out.mjs 1 MiB' });
  });

  for (const [change, file] of [
    ['an input edited', 'src/a.ts'],
    ['the script edited', 'dist/build.js'],
    ['the output edited', 'dist/out.mjs'],
  ] as const)
    it(`is stale with ${change}`, async () => {
      await using tmp = await tempDir();
      const { root, fresh } = stamped(tmp);
      writeFileSync(join(root, file), 'changed');
      expect(fresh()).toBeUndefined();
    });

  it('is stale with an input gone or a damaged stamp, and absent before any build', async () => {
    await using tmp = await tempDir();
    const first = stamped(tmp);
    rmSync(join(first.root, 'src/b.ts'));
    expect(first.fresh()).toBeUndefined();
    const second = stamped(tmp);
    writeFileSync(second.path, '{"inputs":');
    expect(second.fresh()).toBeUndefined();
    rmSync(second.path);
    expect(second.fresh()).toBeUndefined();
  });
});
