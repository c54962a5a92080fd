import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { projectRoot } from '../helpers/ops-repo.js';

/** Runs scripts/build-outputs.mjs in a scratch project holding `files`; says what is left. */
async function check(files: string[]): Promise<{ out: string; infoKept: boolean }> {
  await using scratch = await tempDir('airgap-build-outputs-');
  const root = scratch.path;
  for (const file of [...files, 'dist/build.tsbuildinfo']) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  const out = execFileSync('node', [join(projectRoot, 'scripts/build-outputs.mjs')], {
    cwd: root,
    encoding: 'utf8',
  });
  return { out, infoKept: existsSync(join(root, 'dist/build.tsbuildinfo')) };
}

describe('npm run build: an incremental tsc -b that still rebuilds a deleted output', () => {
  const sources = ['src/a.ts', 'src/cli/b.ts', 'scripts/c.ts', 'types/d.d.ts', 'scripts/e.mjs'];
  const outputs = ['dist/src/a', 'dist/src/cli/b', 'dist/scripts/c'].flatMap((f) => [
    `${f}.js`,
    `${f}.d.ts`,
  ]);

  it('keeps the build info while every compiled file has its .js and .d.ts', async () => {
    expect(await check([...sources, ...outputs])).toEqual({ out: '', infoKept: true });
  });

  it('drops it when one is gone, so tsc compiles everything', async () => {
    for (const gone of ['dist/src/cli/b.js', 'dist/scripts/c.d.ts']) {
      const result = await check([...sources, ...outputs.filter((f) => f !== gone)]);
      expect(result).toEqual({
        out: `${gone} is missing: compiling everything\n`,
        infoKept: false,
      });
    }
  });

  it('is what npm run build runs before tsc -b, whose build info lives in dist/', () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
    // The flag is empty unless AIRGAP_BUILD_UNCHECKED is set (the README e2e's clone build).
    expect(pkg.scripts.build).toMatch(
      /^node scripts\/build-outputs\.mjs && tsc -b tsconfig\.build\.json \$\{AIRGAP_BUILD_UNCHECKED:\+--noCheck\} && /,
    );
    const config = JSON.parse(readFileSync(join(projectRoot, 'tsconfig.build.json'), 'utf8'));
    expect(config.compilerOptions.tsBuildInfoFile).toBe('dist/build.tsbuildinfo');
  });
});
