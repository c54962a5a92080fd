import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type OpsRepo, opsRepo, type TempDir, tempDir } from '../helpers/fixtures.js';
import { cliPath, commitAll, projectRoot } from '../helpers/ops-repo.js';

/** dist/bin/'s files and the sources esbuild put in each (written by scripts/build-bin.ts). */
const binSources: Record<string, string[]> = JSON.parse(
  readFileSync(join(projectRoot, 'dist/bin.meta.json'), 'utf8'),
);

/**
 * A loaded URL as the sources it holds, named alike for both builds: "src/cli/main",
 * "node_modules/zod/...". A file of dist/bin/ stands for every source inside it (and for
 * itself, "bin/<file>", so a chunk holding no source of ours still counts as loaded).
 */
function sourcesOf(url: string): string[] {
  const bin = /\/dist\/bin\/([^/]+)$/.exec(url)?.[1];
  if (bin !== undefined) {
    const inside = binSources[bin];
    if (!inside) throw new Error(`${url} is not in dist/bin.meta.json: build again`);
    return [`bin/${bin}`, ...inside.map((source) => source.replace(/\.ts$/, ''))];
  }
  return [
    url
      .replace(/^.*?\/dist\/(?=src\/)/, '')
      .replace(/\.js$/, '')
      .replace(/^.*?(?=node_modules\/)/, ''),
  ];
}

/**
 * Runs the built CLI with a module loader hook that lists every module it loads, and the
 * builtins node loaded by the time it exited (`node:crypto` required lazily too).
 */
function modulesLoadedBy(
  scratch: TempDir,
  cli: string,
  args: string[],
): {
  status: number | null;
  stdout: string;
  stderr: string;
  modules: string[];
  builtins: string[];
} {
  const dir = scratch.dir('airgap-loads-');
  const log = join(dir, 'loaded.txt');
  const builtinLog = join(dir, 'builtins.txt');
  writeFileSync(log, '');
  writeFileSync(builtinLog, '');
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
    `import { writeFileSync } from 'node:fs';
import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
process.on('exit', () => writeFileSync(${JSON.stringify(builtinLog)}, process.moduleLoadList.join('\\n')));
`,
  );
  const run = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), cli, ...args], {
    encoding: 'utf8',
  });
  return {
    status: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
    modules: readFileSync(log, 'utf8').split('\n').filter(Boolean).flatMap(sourcesOf),
    builtins: readFileSync(builtinLog, 'utf8')
      .split('\n')
      .filter((entry) => entry.startsWith('NativeModule '))
      .map((entry) => entry.slice('NativeModule '.length)),
  };
}

// What users run (package.json bin: dist/bin/, esbuild chunks) and tsc's dist/src/cli/main.js,
// whose lazy imports are the library's (src/index.ts) too.
describe.each([
  ['dist/bin/airgap.js', cliPath],
  ['dist/src/cli/main.js', join(projectRoot, 'dist/src/cli/main.js')],
])('%s: a thin, lazy client of the library', (_name, cli) => {
  it('answers --version and --help without loading the AWS SDK or any command code', async () => {
    await using tmp = await tempDir();
    for (const args of [['--version'], ['--help'], ['upload', '--help']]) {
      const { status, stdout, modules } = modulesLoadedBy(tmp, cli, args);
      expect(status, args.join(' ')).toBe(0);
      expect(stdout.length, args.join(' ')).toBeGreaterThan(0);
      // --debug is accepted after any command, so each command's help lists it.
      if (args.includes('--help')) expect(stdout, args.join(' ')).toContain('--debug');
      // The hook sees the CLI itself, so an empty list cannot pass by accident.
      expect(modules).toContain('src/cli/main');
      const heavy = modules.filter((source) =>
        /^node_modules\/@aws-sdk\/|^src\/(commands|transfer|bundle|ingest|paste|docs|repo)\//.test(
          source,
        ),
      );
      expect(heavy, args.join(' ')).toEqual([]);
    }
  });

  it('answers an unchanged bundle rerun without zod, the plan or the secret rules', async () => {
    await using repo = await opsRepo();
    const args = ['bundle', 'dev-topics', '--repo', repo.path, '--out', repo.dir(), '--json'];
    const first = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    const { status, stdout, modules, builtins } = modulesLoadedBy(repo, cli, args);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).alreadyPrepared).toBe(true);
    expect(modules).toContain('src/commands/bundle/rerun');
    // Nor node:crypto (~10 ms of CPU): the stamp compares the record's bytes, names its file
    // by a string hash, and PENDING-CHANGES.md's block hash is computed only when asked.
    expect(builtins).toContain('fs/promises');
    expect(builtins.filter((name) => /crypto/.test(name))).toEqual([]);
    // Nor node:child_process (~8 ms) in the bin: .git's files answered, nothing was spawned,
    // and commander's copy is lazy there (scripts/lib/bin-build.ts).
    if (cli === cliPath) expect(builtins).not.toContain('child_process');
    const heavy = modules.filter((source) =>
      /^node_modules\/(zod|js-yaml)\/|^src\/(secrets\/|model\/(spec|record)$|commands\/bundle\/(build|plan)$)/.test(
        source,
      ),
    );
    expect(heavy).toEqual([]);
  });

  it('plans and writes a first bundle without zod or the spec and record schemas', async () => {
    await using repo = await opsRepo();
    const args = ['bundle', 'dev-topics', '--repo', repo.path, '--out', repo.dir(), '--json'];
    const { status, stdout, stderr, modules } = modulesLoadedBy(repo, cli, args);
    expect(status, stderr).toBe(0);
    // A first bundle: the spec was parsed, the record written, and the stamp left only once
    // the record's bytes were accepted (record-check.ts, else parseRecord).
    expect(JSON.parse(stdout).alreadyPrepared).toBe(false);
    expect(readdirSync(join(repo.path, '.git/airgap/rerun'))).toHaveLength(1);
    expect(modules).toContain('src/model/spec-check');
    expect(modules).toContain('src/model/record-check');
    const zod = modules.filter((source) =>
      /^node_modules\/zod\/|^src\/model\/(spec|record)$/.test(source),
    );
    expect(zod).toEqual([]);
  });

  it('loads the upload command and the AWS SDK once upload runs', async () => {
    await using tmp = await tempDir();
    const missing = join(tmp.dir('airgap-empty-'), 'missing');
    const { status, modules } = modulesLoadedBy(tmp, cli, ['upload', missing]);
    expect(status).toBe(2);
    expect(modules).toContain('src/commands/upload/upload');
    expect(modules.some((source) => source.startsWith('node_modules/@aws-sdk/client-s3/'))).toBe(
      true,
    );
  });
});

/** A first bundle of dev-topics by the built CLI, node started with `nodeFlags` before it. */
function firstBundleWith(repo: OpsRepo, nodeFlags: readonly string[]): void {
  const args = ['bundle', 'dev-topics', '--repo', repo.path, '--out', repo.dir(), '--json'];
  const run = spawnSync(process.execPath, [...nodeFlags, cliPath, ...args], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout).alreadyPrepared).toBe(false);
}

// dist/src/bundle/scan-worker.js is covered by test/integration/scan-pool.test.ts.
describe('dist/bin/airgap.js, built in chunks', () => {
  it('writes a first bundle of a few files without loading node:worker_threads', async () => {
    await using repo = await opsRepo();
    // No loader hook here: node runs module.register()'s hooks on a worker thread of its own.
    const dir = repo.dir('airgap-builtins-');
    const log = join(dir, 'builtins.txt');
    writeFileSync(
      join(dir, 'preload.cjs'),
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, process.moduleLoadList.join('\\n')));\n`,
    );
    firstBundleWith(repo, ['--require', join(dir, 'preload.cjs')]);
    const builtins = readFileSync(log, 'utf8').split('\n');
    expect(builtins).toContain('NativeModule fs/promises');
    // Its files are scanned on the main thread: scan-pool.ts requires worker_threads when a
    // worker starts, and write-file-atomic gets the main thread's threadId (bin-build.ts).
    // (Bare node has internal/worker/js_transferable and the worker binding already.)
    const worker = /^NativeModule (worker_threads|internal\/worker(\/io|\/messaging)?)$/;
    expect(builtins.filter((entry) => worker.test(entry))).toEqual([]);
  });

  it('scans a repo of over 2 MiB in a worker thread started from its own worker file', async () => {
    await using repo = await opsRepo();
    // One ConfigMap of 3 MiB among the files the spec covers (WORKER_MIN_BYTES is 2 MiB), in
    // few long values: cheap to parse.
    const value = 'plain words of a long value '.repeat(3_600);
    const data = Array.from({ length: 30 }, (_, i) => `  key-${i}: "${value}"`);
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/large-config.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: large\n  namespace: kafka\ndata:\n${data.join('\n')}\n`,
    );
    commitAll(repo.path, 'A large file');
    const { status, stderr, modules } = modulesLoadedBy(repo, cliPath, [
      'bundle',
      'dev-topics',
      '--repo',
      repo.path,
      '--out',
      repo.dir(),
      '--json',
    ]);
    expect(status, stderr).toBe(0);
    // The loader hook registers in workers too (they inherit --import).
    expect(modules).toContain('src/bundle/scan-worker');
  });
  it('answers an unchanged rerun with no git process: HEAD and the status read from .git', async () => {
    await using repo = await opsRepo();
    // A git on PATH that notes each subcommand, then runs the real one.
    const dir = repo.dir('airgap-git-');
    const log = join(dir, 'git.txt');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, 'git'), `#!/bin/sh\necho "$1" >> '${log}'\nexec '${realGit}' "$@"\n`, {
      mode: 0o755,
    });
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
    const out = repo.dir();
    const bundleWith = (...repoArgs: string[]) => {
      writeFileSync(log, '');
      const run = spawnSync(
        process.execPath,
        [cliPath, 'bundle', 'dev-topics', ...repoArgs, '--out', out, '--json'],
        { encoding: 'utf8', env },
      );
      return { run, git: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
    };
    const first = bundleWith('--repo', repo.path);
    expect(first.run.status, first.run.stderr).toBe(0);
    expect(JSON.parse(first.run.stdout).alreadyPrepared).toBe(false);
    // The status the rerun check started is the one the plan used: no second one.
    expect(first.git.filter((name) => name === 'status')).toEqual(['status']);
    // The fixture's copy left the index's stat data stale: that status wrote it back, as a
    // user's git status does (with GIT_OPTIONAL_LOCKS=0 it did not, and every rerun ran git).
    for (const repoArgs of [['--repo', repo.path], [`--repo=${join(repo.path, 'k8s/dev')}`]]) {
      const again = bundleWith(...repoArgs);
      expect(again.run.status, again.run.stderr).toBe(0);
      expect(JSON.parse(again.run.stdout).alreadyPrepared).toBe(true);
      // Was ['status']: the index now answers (repo/index-status.ts) when it matches HEAD.
      expect(again.git).toEqual([]);
    }
    // A covered file changed since the commit: the index lists it, git status decides, refuses.
    const topic = join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml');
    writeFileSync(topic, `${readFileSync(topic, 'utf8')}# local\n`);
    const dirty = bundleWith('--repo', repo.path);
    expect(dirty.run.status).toBe(4);
    expect(JSON.parse(dirty.run.stdout).details).toContain(
      'modified: k8s/dev/topics/kafka-topic-quote-priced.yaml',
    );
    expect(dirty.git.filter((name) => name === 'status')).toEqual(['status']);
  });

  it('plans a first bundle without compiling zod parsers (one-shot parses are jitless)', async () => {
    await using repo = await opsRepo();
    // Counts each function compiled from a non-empty body (zod's probe of eval has an empty
    // one): zod compiles an object schema's parser that way on its first parse unless jitless.
    const dir = repo.dir('airgap-compiles-');
    const log = join(dir, 'compiled.txt');
    writeFileSync(log, '');
    writeFileSync(
      join(dir, 'count.mjs'),
      `import { appendFileSync } from 'node:fs';
const note = (args) => { if (String(args.at(-1) ?? '').trim()) appendFileSync(${JSON.stringify(log)}, 'compiled\\n'); };
globalThis.Function = new Proxy(globalThis.Function, {
  construct(target, args) { note(args); return Reflect.construct(target, args); },
  apply(target, self, args) { note(args); return Reflect.apply(target, self, args); },
});
`,
    );
    // A first bundle (firstBundleWith checks alreadyPrepared is false): the spec was parsed,
    // and the fresh record too (the rerun stamp is written only then).
    firstBundleWith(repo, ['--import', join(dir, 'count.mjs')]);
    expect(readdirSync(join(repo.path, '.git/airgap/rerun'))).toHaveLength(1);
    expect(readFileSync(log, 'utf8')).toBe('');
  });

  // esbuild keeps only the zod the schemas use (no locales; 148 KB, not 590): the bin must
  // still refuse a spec and a record with the words the library's unbundled zod gives.
  it('refuses a bad spec and a damaged record exactly as the library (dist/src/) does', async () => {
    await using tmp = await tempDir();
    const { parseBundleSpec } = await import(join(projectRoot, 'dist/src/model/spec.js'));
    const { parseRecord } = await import(join(projectRoot, 'dist/src/model/record.js'));
    const refusal = (thrown: () => unknown) => {
      try {
        thrown();
      } catch (error) {
        const { message, details, hint, exitCode } = error as Record<string, unknown>;
        return { ok: false, error: message, details, hint, exitCode };
      }
      throw new Error('not refused');
    };
    const cliRefusal = (repo: string) => {
      const run = spawnSync(
        process.execPath,
        [cliPath, 'bundle', 'dev-topics', '--repo', repo, '--out', tmp.dir(), '--json'],
        { encoding: 'utf8' },
      );
      expect(run.status, run.stderr).not.toBe(0);
      return JSON.parse(run.stdout);
    };

    await using repo = await opsRepo();
    const spec = 'bundles/dev-topics.yaml';
    const bad = [
      'name: Dev Topics',
      'environment: [dev]',
      'description: 42',
      'colour: blue',
      's3:',
      '  prefix: "a\\tb"',
      '  region: 7',
      'files: k8s/dev/topics/*.yaml',
      'steps:',
      '  - name: "one\\ntwo"',
      '    run: 5',
      '  - {}',
      'verify: [1, true]',
      'images: [1]',
      'imageSources: { x: 3 }',
      'ecr: { registry: 7 }',
      '',
    ].join('\n');
    writeFileSync(join(repo.path, spec), bad);
    commitAll(repo.path, 'A bad spec');
    const expected = refusal(() => parseBundleSpec(bad, spec));
    expect((expected.details as string[]).length).toBeGreaterThan(10);
    expect(cliRefusal(repo.path)).toEqual(expected);

    await using good = await opsRepo();
    const args = ['bundle', 'dev-topics', '--repo', good.path, '--out', tmp.dir(), '--json'];
    const first = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    // The repo-relative path, as the plan names the record it reads.
    const recordFile = `bundles/records/${JSON.parse(first.stdout).bundleId}.json`;
    const record = JSON.parse(readFileSync(join(good.path, recordFile), 'utf8'));
    const damaged = `${JSON.stringify({ ...record, commitTime: 'yesterday', files: 'all', extra: 1 }, null, 2)}\n`;
    writeFileSync(join(good.path, recordFile), damaged);
    const recordRefusal = refusal(() => parseRecord(damaged, recordFile));
    expect(recordRefusal.error).toContain(recordFile);
    expect(cliRefusal(good.path)).toEqual(recordRefusal);
  });
});
