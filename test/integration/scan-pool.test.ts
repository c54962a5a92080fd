import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { unwrapped } from '../helpers/errors.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, git, projectRoot, runCli } from '../helpers/ops-repo.js';

/** 300 manifests of about 9 KiB: more than the 2 MiB above which the CLI scans in a worker. */
function addManyManifests(repo: string): void {
  for (let i = 0; i < 300; i++) {
    const lines = [`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gen-${i}\ndata:\n`];
    for (let k = 0; k < 200; k++)
      lines.push(`  key-${k}: "value ${i}-${k} abcdefghijabcdefghij"\n`);
    if (i % 50 === 0)
      lines.push(
        `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: registry.example/app-${i}:1.0\n`,
      );
    writeFileSync(
      join(repo, `k8s/dev/topics/gen-${String(i).padStart(3, '0')}.yaml`),
      lines.join(''),
    );
  }
}

describe('scanning in a worker thread (the built CLI)', () => {
  it('uses the compiled worker', () => {
    expect(existsSync(join(projectRoot, 'dist/src/bundle/scan-worker.js'))).toBe(true);
  });

  it('gives the same archive, images and steps as scanning on the main thread', async () => {
    await using repo = await opsRepo();
    addManyManifests(repo.path);
    commitAll(repo.path, 'many manifests');
    // Two clones, so neither run finds the other's scan cache.
    const viaWorker = join(repo.dir(), 'a');
    const inline = join(repo.dir(), 'b');
    git(repo.dir(), 'clone', '-q', repo.path, viaWorker);
    git(repo.dir(), 'clone', '-q', repo.path, inline);
    const out = repo.dir();
    const run = await runCli(['bundle', 'dev-topics', '--json', '--out', out], { cwd: viaWorker });
    expect(run.code, run.stderr).toBe(0);
    const cli = JSON.parse(run.stdout) as { bundleId: string; sha256: string };
    const local = await bundle({ spec: 'dev-topics', repo: inline, out: repo.dir() });
    expect(cli.sha256).toBe(local.record.archive.sha256);
    const record = JSON.parse(readFileSync(join(out, cli.bundleId, 'bundle.json'), 'utf8'));
    expect(record.images).toEqual(local.record.images);
    expect(record.images).toContain('registry.example/app-250:1.0');
    expect(record.units).toEqual(local.record.units);
  });

  it('reports every problem with file and line, in file order', async () => {
    await using repo = await opsRepo();
    addManyManifests(repo.path);
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/gen-150.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: aHVudGVyMg==\n',
    );
    writeFileSync(join(repo.path, 'k8s/dev/topics/gen-020.yaml'), 'a: [unclosed\n');
    commitAll(repo.path, 'two mistakes');
    const run = await runCli(['bundle', 'dev-topics', '--out', repo.dir()], { cwd: repo.path });
    expect(run.code).toBe(5);
    const output = unwrapped(run.stdout + run.stderr);
    const yamlError = output.indexOf('k8s/dev/topics/gen-020.yaml:2: invalid YAML');
    const secret = output.indexOf('k8s/dev/topics/gen-150.yaml:6: Secret s: data.password');
    expect(yamlError).toBeGreaterThan(-1);
    expect(secret).toBeGreaterThan(yamlError);
  });

  it("keeps refuse's per-file checks in the worker: LFS pointers, Secrets in Lists, chained symlinks", async () => {
    await using repo = await opsRepo();
    addManyManifests(repo.path);
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/big.bin'),
      'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n',
    );
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/list.yaml'),
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: secret\n    metadata: { name: b }\n    data: { token: aHVudGVyMg== }\n',
    );
    symlinkSync('..', join(repo.path, 'k8s/dev/topics/up'));
    symlinkSync('up/../../../../etc/passwd', join(repo.path, 'k8s/dev/topics/leak.yaml'));
    writeFileSync(
      join(repo.path, 'bundles/dev-topics.yaml'),
      readFileSync(join(repo.path, 'bundles/dev-topics.yaml'), 'utf8').replace(
        /^files:\n( {2}- .*\n)+/m,
        'files: [k8s/dev/topics/**]\n',
      ),
    );
    commitAll(repo.path, 'refusals among many manifests');
    const run = await runCli(['bundle', 'dev-topics', '--out', repo.dir()], { cwd: repo.path });
    expect(run.code).toBe(5);
    const output = unwrapped(run.stdout + run.stderr);
    expect(output).toContain('k8s/dev/topics/big.bin:1: is a Git LFS pointer to 12345 bytes');
    expect(output).toContain('k8s/dev/topics/list.yaml:7: Secret b: data.token is a password');
    expect(output).toContain(
      'k8s/dev/topics/leak.yaml:1: symlink resolves outside the bundle through k8s/dev/topics/leak.yaml -> up/../../../../etc/passwd',
    );
  });
});

describe('two scan threads (the compiled pool)', () => {
  it('spreads a large scan over two threads and gives each file the verdict the main thread gives', async () => {
    const pool = (await import(
      join(projectRoot, 'dist/src/bundle/scan-pool.js')
    )) as typeof import('../../src/bundle/scan-pool.js');
    const { scanContent } = await import('../../src/bundle/scan-content.js');
    const small = pool.ScanWorker.start(1024);
    expect(small?.threads).toBe(1);
    await small?.results();
    const scanner = pool.ScanWorker.start(64 * 1024 * 1024);
    expect(scanner?.threads).toBe(2);
    const files = Array.from({ length: 400 }, (_, i) => {
      const body =
        i % 97 === 0
          ? `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-${i}\ndata:\n  password: aHVudGVyMg==\n`
          : `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p-${i}\nspec:\n  containers:\n    - name: c\n      image: registry.example/app-${i}:1.0\n${'  # padding line\n'.repeat(2000)}`;
      return { path: `k8s/f-${i}.yaml`, content: Buffer.from(body) };
    });
    // submit() hands the bytes over (moved to the thread, not copied): a copy goes, the
    // original stays here for the main thread's verdict below.
    const handed = files.map((f) => Buffer.from(f.content));
    handed.forEach((content, i) => {
      scanner?.submit(i, files[i]!.path, content);
    });
    const verdicts = await scanner!.results();
    // A Buffer with its own memory is moved: nothing of it is left here (pooled small ones are
    // copied first, as a view of the pool must be).
    const large = handed.filter((_, i) => files[i]!.content.length > 8192);
    expect(large.length).toBeGreaterThan(300);
    expect(large.every((content) => content.byteLength === 0)).toBe(true);
    expect(verdicts.size).toBe(files.length);
    files.forEach((f, i) => {
      expect(verdicts.get(i)).toEqual(scanContent(f.path, f.content));
    });
    expect(verdicts.get(97)?.problems.map((p) => p.kind)).toContain('secret');
    expect(verdicts.get(5)?.images).toEqual(['registry.example/app-5:1.0']);
  });
});
