import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import type { BundleRecord } from '../../src/model/record.js';
import { expectAirgapError } from '../helpers/errors.js';
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeOpsRepo,
  runCli,
  tempDir,
} from '../helpers/ops-repo.js';

afterAll(cleanupTempDirs);

describe('airgap bundle', () => {
  it('builds byte-identical archives from two clones at different times and umasks', async () => {
    const repo = makeOpsRepo();
    const clone = join(tempDir(), 'clone');
    git(tempDir(), 'clone', '-q', repo, clone);
    const first = await bundle({ spec: 'dev-topics', repo, out: tempDir() });
    await new Promise((r) => setTimeout(r, 1100));
    const previous = process.umask(0o077);
    let second: Awaited<ReturnType<typeof bundle>>;
    try {
      second = await bundle({ spec: 'dev-topics', repo: clone, out: tempDir() });
    } finally {
      process.umask(previous);
    }
    expect(first.record.id).toMatch(/^dev-topics-[0-9a-f]{7}$/);
    expect(second.record.id).toBe(first.record.id);
    expect(readFileSync(second.archivePath).equals(readFileSync(first.archivePath))).toBe(true);
    expect(second.record.archive.sha256).toBe(first.record.archive.sha256);
  });

  it('builds identical zip archives too', async () => {
    const repo = makeOpsRepo();
    const a = await bundle({ spec: 'dev-topics', repo, out: tempDir(), format: 'zip' });
    await new Promise((r) => setTimeout(r, 1100));
    const b = await bundle({ spec: 'dev-topics', repo, out: tempDir(), format: 'zip' });
    expect(a.archivePath.endsWith('.zip')).toBe(true);
    expect(readFileSync(a.archivePath).equals(readFileSync(b.archivePath))).toBe(true);
  });

  it('produces output that the real sha256sum and tar accept', async () => {
    const repo = makeOpsRepo();
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir() });
    execFileSync('sha256sum', ['-c', `${result.record.archive.file}.sha256`], {
      cwd: result.outDir,
    });
    const extracted = tempDir();
    execFileSync('tar', ['-xzf', result.archivePath, '-C', extracted]);
    const check = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], {
      cwd: extracted,
      encoding: 'utf8',
    });
    expect(check.trim().split('\n')).toHaveLength(result.record.files.length);
    expect(check).not.toContain('FAILED');
    const inside = JSON.parse(readFileSync(join(extracted, 'bundle.json'), 'utf8')) as BundleRecord;
    // The commit stays out of the archive: its bytes depend on the content alone.
    expect(inside.commit).toBeUndefined();
    expect(inside.contentHash).toBe(result.record.contentHash);
    expect(inside.files.map((f) => f.path)).toContain(
      'k8s/dev/topics/kafka-topic-quote-requested.yaml',
    );
    const listing = execFileSync('tar', ['-tvzf', result.archivePath], { encoding: 'utf8' });
    expect(listing).toMatch(/0\/0/);
    expect(listing).toContain('2000-01-01 00:00');
  });

  it('refuses a dirty tree and names the file; --allow-dirty still packs HEAD', async () => {
    const repo = makeOpsRepo();
    const topic = join(repo, 'k8s/dev/topics/kafka-topic-quote-priced.yaml');
    const committed = readFileSync(topic, 'utf8');
    writeFileSync(topic, `${committed}\n# local experiment\n`);
    writeFileSync(
      join(repo, 'k8s/dev/topics/kafka-topic-draft.yaml'),
      committed.replace('quote-priced', 'draft'),
    );
    const error = await expectAirgapError(bundle({ spec: 'dev-topics', repo, out: tempDir() }));
    expect(error.exitCode).toBe(4);
    expect(error.details).toContain('modified: k8s/dev/topics/kafka-topic-quote-priced.yaml');
    expect(error.details).toContain('untracked: k8s/dev/topics/kafka-topic-draft.yaml');

    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir(), allowDirty: true });
    expect(result.warnings.join('\n')).toContain('--allow-dirty');
    const extracted = tempDir();
    execFileSync('tar', ['-xzf', result.archivePath, '-C', extracted]);
    expect(
      readFileSync(join(extracted, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'), 'utf8'),
    ).toBe(committed);
    expect(existsSync(join(extracted, 'k8s/dev/topics/kafka-topic-draft.yaml'))).toBe(false);
  });

  it('refuses a Kubernetes Secret holding a password with file and line, and writes nothing', async () => {
    const repo = makeOpsRepo();
    writeFileSync(
      join(repo, 'k8s/dev/topics/kafka-topic-zz.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: kafka-password\ndata:\n  password: aHVudGVyMg==\n',
    );
    commitAll(repo, 'add a secret by mistake');
    const pendingBefore = readFileSync(join(repo, 'PENDING-CHANGES.md'));
    const out = tempDir();
    const error = await expectAirgapError(bundle({ spec: 'dev-topics', repo, out }));
    expect(error.exitCode).toBe(5);
    expect(error.details.join('\n')).toContain(
      'k8s/dev/topics/kafka-topic-zz.yaml:11: Secret kafka-password: data.password is a password, token or key field',
    );
    expect(error.hint).toContain(
      'allowSecrets:\n    - path: "k8s/dev/topics/kafka-topic-zz.yaml"\n      reason: "<why this file is safe to ship>"',
    );
    expect(readdirSync(out)).toEqual([]);
    expect(readFileSync(join(repo, 'PENDING-CHANGES.md')).equals(pendingBefore)).toBe(true);
    expect(existsSync(join(repo, 'bundles/records'))).toBe(false);
  });

  it('refuses credential-looking files unless the spec allows them with a reason', async () => {
    const repo = makeOpsRepo();
    writeFileSync(
      join(repo, 'k8s/dev/topics/notes.yaml'),
      'aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n',
    );
    commitAll(repo, 'oops');
    const error = await expectAirgapError(bundle({ spec: 'dev-topics', repo, out: tempDir() }));
    expect(error.details.join('\n')).toContain(
      'k8s/dev/topics/notes.yaml:1: holds an AWS access key id',
    );
    const spec = readFileSync(join(repo, 'bundles/dev-topics.yaml'), 'utf8');
    writeFileSync(
      join(repo, 'bundles/dev-topics.yaml'),
      `${spec}allowSecrets:\n  - path: k8s/dev/topics/notes.yaml\n    reason: documented example key from the AWS docs\n`,
    );
    commitAll(repo, 'allow');
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir() });
    expect(result.warnings.join('\n')).toContain('allowed: documented example key');
  });

  it('reports a YAML error with its line', async () => {
    const repo = makeOpsRepo();
    writeFileSync(
      join(repo, 'k8s/dev/topics/kafka-topic-bad.yaml'),
      'apiVersion: v1\nkind: KafkaTopic\nmetadata:\n  name: [oops\n',
    );
    commitAll(repo, 'bad yaml');
    const error = await expectAirgapError(bundle({ spec: 'dev-topics', repo, out: tempDir() }));
    expect(error.exitCode).toBe(3);
    expect(error.details.join('\n')).toMatch(
      /k8s\/dev\/topics\/kafka-topic-bad\.yaml:\d+: invalid YAML/,
    );
  });

  it('reports a manifest without metadata.name', async () => {
    const repo = makeOpsRepo();
    writeFileSync(
      join(repo, 'k8s/dev/topics/kafka-topic-noname.yaml'),
      'apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nspec: {}\n',
    );
    commitAll(repo, 'no name');
    const error = await expectAirgapError(bundle({ spec: 'dev-topics', repo, out: tempDir() }));
    expect(error.details.join('\n')).toContain(
      'kafka-topic-noname.yaml:1: Kubernetes document 1 lacks metadata.name',
    );
  });

  it('reports a glob that matches no committed file, with the spec line', async () => {
    const repo = makeOpsRepo();
    writeFileSync(
      join(repo, 'bundles/empty.yaml'),
      'name: empty\nenvironment: dev\ndescription: x\nfiles: [k8s/uat/**]\ns3: { bucket: acme-airgap, prefix: p, region: us-east-1 }\n',
    );
    commitAll(repo, 'empty spec');
    const error = await expectAirgapError(bundle({ spec: 'empty', repo, out: tempDir() }));
    expect(error.details.join('\n')).toContain('files[0] "k8s/uat/**" matches no committed file');
  });

  it('never ships an uncommitted file that a glob would match, even with --allow-dirty', async () => {
    const repo = makeOpsRepo();
    writeFileSync(
      join(repo, 'k8s/dev/topics/kafka-topic-new.yaml'),
      'apiVersion: v1\nkind: KafkaTopic\nmetadata:\n  name: new\n',
    );
    git(repo, 'add', 'k8s/dev/topics/kafka-topic-new.yaml'); // staged, not committed
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir(), allowDirty: true });
    expect(result.record.files.map((f) => f.path)).not.toContain(
      'k8s/dev/topics/kafka-topic-new.yaml',
    );
    const listing = execFileSync('tar', ['-tzf', result.archivePath], { encoding: 'utf8' });
    expect(listing).not.toContain('kafka-topic-new.yaml');
  });

  it('lists images not recorded in docs/ecr-manifest.md, and fails with --strict', async () => {
    const repo = makeOpsRepo();
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir() });
    expect(result.record.images).toContain(
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/strimzi/operator:0.45.0',
    );
    expect(result.record.missingImages).toEqual([
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/edenhill/kcat:1.7.1',
    ]);
    const error = await expectAirgapError(
      bundle({ spec: 'dev-topics', repo, out: tempDir(), strict: true }),
    );
    expect(error.details).toEqual(result.record.missingImages);
  });

  it('records the bundle in the repo and PENDING-CHANGES.md without touching human text', async () => {
    const repo = makeOpsRepo();
    const before = readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8');
    const out = tempDir();
    const result = await bundle({ spec: 'dev-topics', repo, out });
    const after = readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after).toContain(`| \`${result.record.id}\` | dev | **prepared** |`);
    const record = JSON.parse(
      readFileSync(join(repo, `bundles/records/${result.record.id}.json`), 'utf8'),
    ) as BundleRecord;
    expect(record.archive.sha256).toBe(result.record.archive.sha256);
    expect(
      readFileSync(join(repo, `bundles/records/${result.record.id}.json`)).equals(
        readFileSync(join(result.outDir, 'bundle.json')),
      ),
    ).toBe(true);
    // Rebuilding changes nothing.
    await bundle({ spec: 'dev-topics', repo, out });
    expect(readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8')).toBe(after);
  });

  it('keeps the id and archive bytes of unchanged content after the record is committed', async () => {
    const repo = makeOpsRepo();
    const out = tempDir();
    const first = await bundle({ spec: 'dev-topics', repo, out });
    const firstCommit = git(repo, 'rev-parse', 'HEAD').trim();
    expect(first.alreadyPrepared).toBe(false);
    expect(first.record.commit).toBe(firstCommit);
    const archive = readFileSync(first.archivePath);
    // As the README says: commit the record and the PENDING-CHANGES.md row.
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'record dev-topics', '--date', '2026-03-01T00:00:00Z');
    const snapshot = () =>
      git(repo, 'ls-files', '-s', '-o', '--exclude-standard') + git(repo, 'status', '--porcelain');
    const repoBefore = snapshot();
    const outDirBefore = readdirSync(first.outDir).map((f) =>
      readFileSync(join(first.outDir, f)).toString('base64'),
    );

    const again = await bundle({ spec: 'dev-topics', repo, out });
    expect(again.alreadyPrepared).toBe(true);
    expect(again.record.id).toBe(first.record.id);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(snapshot()).toBe(repoBefore);
    expect(
      readdirSync(first.outDir).map((f) => readFileSync(join(first.outDir, f)).toString('base64')),
    ).toEqual(outDirBefore);

    // A fresh bundle directory elsewhere: the same archive bytes, the first commit kept.
    const elsewhere = await bundle({ spec: 'dev-topics', repo, out: tempDir() });
    expect(elsewhere.alreadyPrepared).toBe(false);
    expect(readFileSync(elsewhere.archivePath).equals(archive)).toBe(true);
    expect(elsewhere.record.commit).toBe(firstCommit);
    expect(git(repo, 'status', '--porcelain')).toBe('');

    const cli = await runCli(['bundle', 'dev-topics', '--repo', repo, '--out', out]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`already prepared: ${first.record.id}`);

    // Changed content is a new bundle.
    writeFileSync(
      join(repo, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'),
      `${readFileSync(join(repo, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'), 'utf8')}# more\n`,
    );
    commitAll(repo, 'change a topic');
    const changed = await bundle({ spec: 'dev-topics', repo, out });
    expect(changed.record.id).not.toBe(first.record.id);
    expect(changed.alreadyPrepared).toBe(false);
  });

  it('ships hostile file names intact', async () => {
    const repo = makeOpsRepo();
    const hostile = "k8s/dev/topics/a b'c$(touch pwned)`x`é.yaml";
    mkdirSync(join(repo, 'k8s/dev/topics'), { recursive: true });
    writeFileSync(
      join(repo, hostile),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hostile\n',
    );
    commitAll(repo, 'hostile');
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir() });
    const extracted = tempDir();
    execFileSync('tar', ['-xzf', result.archivePath, '-C', extracted]);
    expect(existsSync(join(extracted, hostile))).toBe(true);
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], {
      cwd: extracted,
      encoding: 'utf8',
    });
    expect(check.status).toBe(0);
  });

  it('refuses symlinks that point out of the repo', async () => {
    const repo = makeOpsRepo();
    execFileSync('ln', ['-s', '../../../../etc/passwd', join(repo, 'k8s/dev/topics/escape.yaml')]);
    commitAll(repo, 'symlink');
    const error = await expectAirgapError(bundle({ spec: 'dev-topics', repo, out: tempDir() }));
    expect(error.details.join('\n')).toContain('symlink points outside the repo');
  });

  it('runs as a new user would, with readable output and the out dir last', async () => {
    const repo = makeOpsRepo();
    const result = await runCli(['bundle', 'dev-topics', '--repo', repo]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.every((line) => line.length <= 80 || line.startsWith('/'))).toBe(true);
    expect(lines.at(-1)).toMatch(/\.airgap\/out\/dev-topics-[0-9a-f]{7}$/);
    expect(existsSync(join(lines.at(-1)!, 'PASTE.md'))).toBe(true);
    const usage = await runCli(['bundle']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("missing required argument 'spec'");
    const json = await runCli(['bundle', 'dev-topics', '--repo', repo, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, files: 4, steps: 5 });
  });

  it('gives one line per spec problem with the line number, and exit code 3', async () => {
    const repo = makeOpsRepo();
    writeFileSync(
      join(repo, 'bundles/broken.yaml'),
      'name: Broken_Name\nenvironment: dev\ndescription: x\nfiles: k8s/*.yaml\ns3: { bucket: acme-airgap, region: us-east-1 }\nstep: []\n',
    );
    commitAll(repo, 'broken spec');
    const result = await runCli(['bundle', 'broken', '--repo', repo]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('bundles/broken.yaml:1: name:');
    expect(result.stderr).toContain('bundles/broken.yaml:4: files: expected array, got string');
    expect(result.stderr).toContain('bundles/broken.yaml:6: (top level): unknown key step');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
