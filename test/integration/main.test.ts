import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, cliPath, makeOpsRepo, tempDir } from '../helpers/ops-repo.js';

afterAll(cleanupTempDirs);

/** Runs the built CLI with a module loader hook that lists every module it loads. */
function modulesLoadedBy(args: string[]): {
  status: number | null;
  stdout: string;
  modules: string[];
} {
  const dir = tempDir('airgap-loads-');
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}
`,
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
  );
  const run = spawnSync(
    process.execPath,
    ['--import', join(dir, 'register.mjs'), cliPath, ...args],
    {
      encoding: 'utf8',
    },
  );
  return {
    status: run.status,
    stdout: run.stdout,
    modules: readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

describe('src/cli/main.ts: a thin, lazy client of the library', () => {
  it('answers --version and --help without loading the AWS SDK or any command code', () => {
    for (const args of [['--version'], ['--help'], ['upload', '--help']]) {
      const { status, stdout, modules } = modulesLoadedBy(args);
      expect(status, args.join(' ')).toBe(0);
      expect(stdout.length, args.join(' ')).toBeGreaterThan(0);
      // The hook sees the CLI itself, so an empty list cannot pass by accident.
      expect(modules.some((url) => url.endsWith('/dist/src/cli/main.js'))).toBe(true);
      const heavy = modules.filter((url) =>
        /\/node_modules\/@aws-sdk\/|\/dist\/src\/(commands|transfer|bundle|ingest|paste|docs|repo)\//.test(
          url,
        ),
      );
      expect(heavy, args.join(' ')).toEqual([]);
    }
  });

  it('answers an unchanged bundle rerun without zod, the plan or the secret rules', () => {
    const repo = makeOpsRepo();
    const args = ['bundle', 'dev-topics', '--repo', repo, '--out', tempDir(), '--json'];
    const first = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    const { status, stdout, modules } = modulesLoadedBy(args);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).alreadyPrepared).toBe(true);
    expect(modules.some((url) => url.endsWith('/dist/src/commands/bundle/rerun.js'))).toBe(true);
    const heavy = modules.filter((url) =>
      /\/node_modules\/(zod|js-yaml)\/|\/dist\/src\/(secrets\/|model\/(spec|record)\.js|commands\/bundle-(build|plan)\.js)/.test(
        url,
      ),
    );
    expect(heavy).toEqual([]);
  });

  it('loads the upload command and the AWS SDK once upload runs', () => {
    const missing = join(tempDir('airgap-empty-'), 'missing');
    const { status, modules } = modulesLoadedBy(['upload', missing]);
    expect(status).toBe(2);
    expect(modules.some((url) => url.endsWith('/dist/src/commands/upload/upload.js'))).toBe(true);
    expect(modules.some((url) => url.includes('/node_modules/@aws-sdk/client-s3/'))).toBe(true);
  });
});
