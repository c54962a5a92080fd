import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import type { BundleRecord } from '../../src/model/record.js';
import { expectAirgapError } from '../helpers/errors.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, git, runCli } from '../helpers/ops-repo.js';

describe('airgap bundle', () => {
  it('builds byte-identical archives from two clones at different times and umasks', async () => {
    await using repo = await opsRepo();
    const clone = join(repo.dir(), 'clone');
    git(repo.dir(), 'clone', '-q', repo.path, clone);
    const first = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    await new Promise((r) => setTimeout(r, 1100));
    const previous = process.umask(0o077);
    let second: Awaited<ReturnType<typeof bundle>>;
    try {
      second = await bundle({ spec: 'dev-topics', repo: clone, out: repo.dir() });
    } finally {
      process.umask(previous);
    }
    expect(first.record.id).toMatch(/^dev-topics-[0-9a-f]{7}$/);
    expect(second.record.id).toBe(first.record.id);
    expect(readFileSync(second.archivePath).equals(readFileSync(first.archivePath))).toBe(true);
    expect(second.record.archive.sha256).toBe(first.record.archive.sha256);
  });

  it('builds identical zip archives too', async () => {
    await using repo = await opsRepo();
    const a = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir(), format: 'zip' });
    await new Promise((r) => setTimeout(r, 1100));
    const b = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir(), format: 'zip' });
    expect(a.archivePath.endsWith('.zip')).toBe(true);
    expect(readFileSync(a.archivePath).equals(readFileSync(b.archivePath))).toBe(true);
  });

  it('produces output that the real sha256sum and tar accept', async () => {
    await using repo = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    execFileSync('sha256sum', ['-c', `${result.record.archive.file}.sha256`], {
      cwd: result.outDir,
    });
    const extracted = repo.dir();
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
    await using repo = await opsRepo();
    const topic = join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml');
    const committed = readFileSync(topic, 'utf8');
    writeFileSync(topic, `${committed}\n# local experiment\n`);
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/kafka-topic-draft.yaml'),
      committed.replace('quote-priced', 'draft'),
    );
    const error = await expectAirgapError(
      bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() }),
    );
    expect(error.exitCode).toBe(4);
    expect(error.details).toContain('modified: k8s/dev/topics/kafka-topic-quote-priced.yaml');
    expect(error.details).toContain('untracked: k8s/dev/topics/kafka-topic-draft.yaml');

    const result = await bundle({
      spec: 'dev-topics',
      repo: repo.path,
      out: repo.dir(),
      allowDirty: true,
    });
    expect(result.warnings.join('\n')).toContain('--allow-dirty');
    const extracted = repo.dir();
    execFileSync('tar', ['-xzf', result.archivePath, '-C', extracted]);
    expect(
      readFileSync(join(extracted, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'), 'utf8'),
    ).toBe(committed);
    expect(existsSync(join(extracted, 'k8s/dev/topics/kafka-topic-draft.yaml'))).toBe(false);
  });

  it('refuses a Kubernetes Secret holding a password with file and line, and writes nothing', async () => {
    await using repo = await opsRepo();
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/kafka-topic-zz.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: kafka-password\ndata:\n  password: aHVudGVyMg==\n',
    );
    commitAll(repo.path, 'add a secret by mistake');
    const pendingBefore = readFileSync(join(repo.path, 'PENDING-CHANGES.md'));
    const out = repo.dir();
    const error = await expectAirgapError(bundle({ spec: 'dev-topics', repo: repo.path, out }));
    expect(error.exitCode).toBe(5);
    expect(error.details.join('\n')).toContain(
      'k8s/dev/topics/kafka-topic-zz.yaml:11: Secret kafka-password: data.password is a password, token or key field',
    );
    expect(error.hint).toContain(
      'allowSecrets:\n    - path: "k8s/dev/topics/kafka-topic-zz.yaml"\n      reason: "<why this file is safe to ship>"',
    );
    expect(readdirSync(out)).toEqual([]);
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md')).equals(pendingBefore)).toBe(true);
    expect(existsSync(join(repo.path, 'bundles/records'))).toBe(false);
  });

  it('refuses credential-looking files unless the spec allows them with a reason', async () => {
    await using repo = await opsRepo();
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/notes.yaml'),
      'aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n',
    );
    commitAll(repo.path, 'oops');
    const error = await expectAirgapError(
      bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() }),
    );
    expect(error.details.join('\n')).toContain(
      'k8s/dev/topics/notes.yaml:1: holds an AWS access key id',
    );
    const spec = readFileSync(join(repo.path, 'bundles/dev-topics.yaml'), 'utf8');
    writeFileSync(
      join(repo.path, 'bundles/dev-topics.yaml'),
      `${spec}allowSecrets:\n  - path: k8s/dev/topics/notes.yaml\n    reason: documented example key from the AWS docs\n`,
    );
    commitAll(repo.path, 'allow');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    expect(result.warnings.join('\n')).toContain('allowed: documented example key');
  });

  it('reports a YAML error with its line', async () => {
    await using repo = await opsRepo();
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/kafka-topic-bad.yaml'),
      'apiVersion: v1\nkind: KafkaTopic\nmetadata:\n  name: [oops\n',
    );
    commitAll(repo.path, 'bad yaml');
    const error = await expectAirgapError(
      bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() }),
    );
    expect(error.exitCode).toBe(3);
    expect(error.details.join('\n')).toMatch(
      /k8s\/dev\/topics\/kafka-topic-bad\.yaml:\d+: invalid YAML/,
    );
  });

  it('reports a manifest without metadata.name', async () => {
    await using repo = await opsRepo();
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/kafka-topic-noname.yaml'),
      'apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nspec: {}\n',
    );
    commitAll(repo.path, 'no name');
    const error = await expectAirgapError(
      bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() }),
    );
    expect(error.details.join('\n')).toContain(
      'kafka-topic-noname.yaml:1: Kubernetes document 1 lacks metadata.name',
    );
  });

  it('reports a glob that matches no committed file, with the spec line', async () => {
    await using repo = await opsRepo();
    writeFileSync(
      join(repo.path, 'bundles/empty.yaml'),
      'name: empty\nenvironment: dev\ndescription: x\nfiles: [k8s/uat/**]\ns3: { bucket: acme-airgap, prefix: p, region: us-east-1 }\n',
    );
    commitAll(repo.path, 'empty spec');
    const error = await expectAirgapError(
      bundle({ spec: 'empty', repo: repo.path, out: repo.dir() }),
    );
    expect(error.details.join('\n')).toContain(
      'bundles/empty.yaml:4: files[0] "k8s/uat/**" matches no committed file',
    );
  });

  it('tells a spec path that does not exist from one that is not committed', async () => {
    await using repo = await opsRepo();
    const missing = await expectAirgapError(
      bundle({ spec: join(repo.path, 'bundles/nosuch.yaml'), repo: repo.path, out: repo.dir() }),
    );
    expect(missing.message).toBe('bundles/nosuch.yaml: no such file');
    expect(missing.exitCode).toBe(2);
    expect(missing.hint).toMatch(/^available: .*dev-topics/);
    writeFileSync(join(repo.path, 'bundles/draft.yaml'), 'name: draft\n');
    const draft = await expectAirgapError(
      bundle({ spec: join(repo.path, 'bundles/draft.yaml'), repo: repo.path, out: repo.dir() }),
    );
    expect(draft.message).toBe('bundles/draft.yaml is not committed');
    expect(draft.exitCode).toBe(4);
  });

  it('says when the file a glob names exists but is untracked or only staged', async () => {
    await using repo = await opsRepo();
    mkdirSync(join(repo.path, 'k8s/uat'), { recursive: true });
    writeFileSync(join(repo.path, 'k8s/uat/topic.yaml'), 'kind: ConfigMap\n');
    writeFileSync(join(repo.path, 'k8s/uat/staged.yaml'), 'kind: ConfigMap\n');
    git(repo.path, 'add', 'k8s/uat/staged.yaml');
    writeFileSync(
      join(repo.path, 'bundles/uat.yaml'),
      'name: uat\nenvironment: uat\ndescription: x\nfiles: [k8s/uat/**]\ns3: { bucket: acme-airgap, prefix: p, region: us-east-1 }\n',
    );
    git(repo.path, 'add', 'bundles/uat.yaml');
    git(repo.path, 'commit', '-q', '-m', 'uat spec', '--', 'bundles/uat.yaml');
    const error = await expectAirgapError(
      bundle({ spec: 'uat', repo: repo.path, out: repo.dir() }),
    );
    expect(error.exitCode).toBe(3);
    expect(error.details).toEqual([
      'bundles/uat.yaml:4: files[0] "k8s/uat/**" matches no committed file: commit the files or fix the glob',
      'k8s/uat/staged.yaml: not committed: commit it to ship it',
      'k8s/uat/topic.yaml: untracked: commit it to ship it',
    ]);
  });

  it('never ships an uncommitted file that a glob would match, even with --allow-dirty', async () => {
    await using repo = await opsRepo();
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/kafka-topic-new.yaml'),
      'apiVersion: v1\nkind: KafkaTopic\nmetadata:\n  name: new\n',
    );
    git(repo.path, 'add', 'k8s/dev/topics/kafka-topic-new.yaml'); // staged, not committed
    const result = await bundle({
      spec: 'dev-topics',
      repo: repo.path,
      out: repo.dir(),
      allowDirty: true,
    });
    expect(result.record.files.map((f) => f.path)).not.toContain(
      'k8s/dev/topics/kafka-topic-new.yaml',
    );
    const listing = execFileSync('tar', ['-tzf', result.archivePath], { encoding: 'utf8' });
    expect(listing).not.toContain('kafka-topic-new.yaml');
  });

  it('lists images not recorded in docs/ecr-manifest.md, and fails with --strict', async () => {
    await using repo = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    expect(result.record.images).toContain(
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/strimzi/operator:0.45.0',
    );
    expect(result.record.missingImages).toEqual([
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/edenhill/kcat:1.7.1',
    ]);
    const error = await expectAirgapError(
      bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir(), strict: true }),
    );
    expect(error.details).toEqual(result.record.missingImages);
  });

  it('records the bundle in the repo and PENDING-CHANGES.md without touching human text', async () => {
    await using repo = await opsRepo();
    const before = readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8');
    const out = repo.dir();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out });
    const after = readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after).toContain(`| \`${result.record.id}\` | dev | **prepared** |`);
    const record = JSON.parse(
      readFileSync(join(repo.path, `bundles/records/${result.record.id}.json`), 'utf8'),
    ) as BundleRecord;
    expect(record.archive.sha256).toBe(result.record.archive.sha256);
    expect(
      readFileSync(join(repo.path, `bundles/records/${result.record.id}.json`)).equals(
        readFileSync(join(result.outDir, 'bundle.json')),
      ),
    ).toBe(true);
    // Rebuilding changes nothing.
    await bundle({ spec: 'dev-topics', repo: repo.path, out });
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8')).toBe(after);
  });

  it('keeps the id and archive bytes of unchanged content after the record is committed', async () => {
    await using repo = await opsRepo();
    const out = repo.dir();
    const first = await bundle({ spec: 'dev-topics', repo: repo.path, out });
    const firstCommit = git(repo.path, 'rev-parse', 'HEAD').trim();
    expect(first.alreadyPrepared).toBe(false);
    expect(first.record.commit).toBe(firstCommit);
    const archive = readFileSync(first.archivePath);
    // As the README says: commit the record and the PENDING-CHANGES.md row.
    git(repo.path, 'add', '-A');
    git(repo.path, 'commit', '-q', '-m', 'record dev-topics', '--date', '2026-03-01T00:00:00Z');
    const snapshot = () =>
      git(repo.path, 'ls-files', '-s', '-o', '--exclude-standard') +
      git(repo.path, 'status', '--porcelain');
    const repoBefore = snapshot();
    const outDirBefore = readdirSync(first.outDir).map((f) =>
      readFileSync(join(first.outDir, f)).toString('base64'),
    );

    const again = await bundle({ spec: 'dev-topics', repo: repo.path, out });
    expect(again.alreadyPrepared).toBe(true);
    expect(again.record.id).toBe(first.record.id);
    expect(git(repo.path, 'status', '--porcelain')).toBe('');
    expect(snapshot()).toBe(repoBefore);
    expect(
      readdirSync(first.outDir).map((f) => readFileSync(join(first.outDir, f)).toString('base64')),
    ).toEqual(outDirBefore);

    // A fresh bundle directory elsewhere: the same archive bytes, the first commit kept.
    const elsewhere = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    expect(elsewhere.alreadyPrepared).toBe(false);
    expect(readFileSync(elsewhere.archivePath).equals(archive)).toBe(true);
    expect(elsewhere.record.commit).toBe(firstCommit);
    expect(git(repo.path, 'status', '--porcelain')).toBe('');

    const cli = await runCli(['bundle', 'dev-topics', '--repo', repo.path, '--out', out]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`already prepared: ${first.record.id}`);

    // Changed content is a new bundle.
    writeFileSync(
      join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'),
      `${readFileSync(join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'), 'utf8')}# more\n`,
    );
    commitAll(repo.path, 'change a topic');
    const changed = await bundle({ spec: 'dev-topics', repo: repo.path, out });
    expect(changed.record.id).not.toBe(first.record.id);
    expect(changed.alreadyPrepared).toBe(false);
  });

  it('ships hostile file names intact', async () => {
    await using repo = await opsRepo();
    const hostile = "k8s/dev/topics/a b'c$(touch pwned)`x`é.yaml";
    mkdirSync(join(repo.path, 'k8s/dev/topics'), { recursive: true });
    writeFileSync(
      join(repo.path, hostile),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hostile\n',
    );
    commitAll(repo.path, 'hostile');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const extracted = repo.dir();
    execFileSync('tar', ['-xzf', result.archivePath, '-C', extracted]);
    expect(existsSync(join(extracted, hostile))).toBe(true);
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], {
      cwd: extracted,
      encoding: 'utf8',
    });
    expect(check.status).toBe(0);
  });

  it('refuses symlinks that point out of the repo', async () => {
    await using repo = await opsRepo();
    execFileSync('ln', [
      '-s',
      '../../../../etc/passwd',
      join(repo.path, 'k8s/dev/topics/escape.yaml'),
    ]);
    commitAll(repo.path, 'symlink');
    const error = await expectAirgapError(
      bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() }),
    );
    expect(error.details.join('\n')).toContain('symlink points outside the repo');
  });

  it('runs as a new user would, with readable output and the out dir last', async () => {
    await using repo = await opsRepo();
    const result = await runCli(['bundle', 'dev-topics', '--repo', repo.path]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.every((line) => line.length <= 80 || line.startsWith('/'))).toBe(true);
    expect(lines.at(-1)).toMatch(/\.airgap\/out\/dev-topics-[0-9a-f]{7}$/);
    expect(existsSync(join(lines.at(-1)!, 'PASTE.md'))).toBe(true);
    const usage = await runCli(['bundle']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("missing required argument 'spec'");
    const json = await runCli(['bundle', 'dev-topics', '--repo', repo.path, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      files: 4,
      steps: 5,
      // The human output's `5 steps, n verify commands`.
      verifyCommands: Number(/(\d+) verify commands/.exec(result.stdout)?.[1]),
    });
  });

  it('gives one line per spec problem with the line number, and exit code 3', async () => {
    await using repo = await opsRepo();
    writeFileSync(
      join(repo.path, 'bundles/broken.yaml'),
      'name: Broken_Name\nenvironment: dev\ndescription: x\nfiles: k8s/*.yaml\ns3: { bucket: acme-airgap, region: us-east-1 }\nstep: []\n',
    );
    commitAll(repo.path, 'broken spec');
    const result = await runCli(['bundle', 'broken', '--repo', repo.path]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('bundles/broken.yaml:1: name:');
    expect(result.stderr).toContain('bundles/broken.yaml:4: files: expected array, got string');
    expect(result.stderr).toContain('bundles/broken.yaml:6: (top level): unknown key step');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
