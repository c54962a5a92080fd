import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { expectAirgapError, unwrapped } from '../helpers/errors.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import { commitAll, git, runCli } from '../helpers/ops-repo.js';

const topics = 'k8s/dev/topics';

/** A committed ops repo with extra files under k8s/dev/topics/ (the dev-topics spec ships it). */
async function repoWith(files: Record<string, string>): Promise<OpsRepo> {
  const repo = await opsRepo();
  for (const [name, content] of Object.entries(files)) {
    const path = join(repo.path, topics, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  writeFileSync(
    join(repo.path, 'bundles/dev-topics.yaml'),
    specWithFiles(repo.path, [`${topics}/**`]),
  );
  commitAll(repo.path, 'add files');
  return repo;
}

async function refusal(repo: OpsRepo) {
  return expectAirgapError(bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() }));
}

describe('bundle refuses what the bastion cannot catch', () => {
  it('refuses a symlink that escapes through another symlink (directory link plus ..)', async () => {
    await using repo = await opsRepo();
    // up -> .. (k8s/dev, inside); leak -> up/../../../etc/passwd: inside when read alone,
    // outside once `up` is followed on the bastion.
    symlinkSync('..', join(repo.path, topics, 'up'));
    symlinkSync('up/../../../../etc/passwd', join(repo.path, topics, 'leak.yaml'));
    writeFileSync(
      join(repo.path, 'bundles/dev-topics.yaml'),
      specWithFiles(repo.path, [`${topics}/**`]),
    );
    commitAll(repo.path, 'chained links');
    const error = await refusal(repo);
    expect(error.exitCode).toBe(3);
    expect(error.details.join('\n')).toContain(
      `${topics}/leak.yaml:1: symlink resolves outside the bundle through ${topics}/leak.yaml -> up/../../../../etc/passwd, then ${topics}/up -> ..`,
    );
    expect(error.details.join('\n')).not.toContain(`${topics}/up:`);
  });

  it('refuses a credential Secret inside a List, and kind: secret in any letter case', async () => {
    await using repo = await repoWith({
      'from-kubectl.yaml':
        'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: a }\n  - apiVersion: v1\n    kind: Secret\n    metadata: { name: b }\n    data: { password: aHVudGVyMg== }\n',
      'lower.yaml':
        'apiVersion: v1\nkind: secret\nmetadata:\n  name: c\nstringData:\n  api-token: t0k3n-value\n',
      'secret-list.yaml':
        'apiVersion: v1\nkind: SecretList\nitems:\n  - apiVersion: v1\n    kind: sEcReT\n    metadata: { name: d }\n    type: kubernetes.io/tls\n    data:\n      tls.key: aHVudGVyMg==\n',
    });
    const error = await refusal(repo);
    expect(error.exitCode).toBe(5);
    const details = error.details.join('\n');
    expect(details).toContain(`${topics}/from-kubectl.yaml:10: Secret b: data.password is a`);
    expect(details).toContain(`${topics}/lower.yaml:6: Secret c: stringData.api-token is a`);
    expect(details).toContain(`${topics}/secret-list.yaml:9: Secret d: data.tls.key is a`);
    // Lists carry no metadata.name; that is not a problem.
    expect(details).not.toContain('lacks metadata.name');
  });

  it.each([
    [
      'binaryData with a base64 AWS key',
      'cm.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\nbinaryData:\n  creds: ${Buffer.from('[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n').toString('base64')}\n`,
      5,
      'an AWS access key id, base64-encoded',
    ],
    [
      'a base64 ~/.aws/credentials',
      'creds.b64',
      `${Buffer.from('[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n').toString('base64')}\n`,
      1,
      'an AWS secret access key, base64-encoded',
    ],
    ['a *.env file', 'kafka.env', 'KAFKA_USER=app\n', 1, 'file name looks like a credential'],
    [
      'a database URL with a password in a ConfigMap',
      'db.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: db }\ndata:\n  url: postgres://app:s3cr3t-pw@db.internal:5432/quotes\n',
      5,
      'a URL with a password',
    ],
    [
      'a token in a Deployment env value',
      'deploy.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: busybox\n          env:\n            - name: API_TOKEN\n              value: tok_9f8e7d6c5b4a\n',
      11,
      'a credential in an env value',
    ],
    [
      '.dockerconfigjson content',
      'pull.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: pull }\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJyZWcuZXhhbXBsZS5jb20iOnsiYXV0aCI6ImRYTmxjanB3WVhOeiJ9fX0=\n',
      5,
      'docker registry credentials',
    ],
    [
      'a KafkaUser password.value',
      'user.yaml',
      'apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaUser\nmetadata: { name: u }\nspec:\n  authentication:\n    type: scram-sha-512\n    password:\n      value: hunter2hunter2\n',
      1,
      'KafkaUser with spec.authentication.password.value',
    ],
    [
      'a provider token in a ConfigMap (the shared secrets engine of ingest)',
      'gh.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: gh }\ndata:\n  GH: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A\n',
      5,
      'a github-pat credential',
    ],
    [
      'a password echoed into docker login in a ConfigMap script',
      'login.yaml',
      "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: login }\ndata:\n  login.sh: |\n    set -e\n    echo 'Pa55-w0rd-7Qz' | docker login -u ci --password-stdin registry.example.com\n",
      7,
      'a registry password echoed into a login',
    ],
    [
      'a URL-encoded database URL with a password in a ConfigMap',
      'jdbc.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: jdbc }\ndata:\n  target: https://proxy.internal/connect?db=postgresql%3A%2F%2Fapp%3Ap%2540ss-Zq9%40db.internal%3A5432%2Fquotes\n',
      5,
      'a URL-encoded URL with a password',
    ],
    [
      'a Discord bot token in an env value (no key names it)',
      'bot.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: bot }\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: busybox\n          env:\n            - name: UPSTREAM\n              value: MTUyNjAxODE1OTA4MzAxNjYx.eL2HPc.HyGcFRl1SPnXNYvMIHa-2o76umf\n',
      12,
      'a discord-bot-token credential',
    ],
  ])('refuses credentials in shipped files: %s', async (_label, name, content, line, what) => {
    await using repo = await repoWith({ [name]: content });
    const error = await refusal(repo);
    expect(error.exitCode).toBe(5);
    expect(error.details.join('\n')).toContain(`${topics}/${name}:${line}: `);
    expect(error.details.join('\n')).toContain(what);
  });

  it('refuses a credential again after its cached verdict was edited to pass', async () => {
    await using repo = await repoWith({
      'cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\ndata:\n  GH: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A\n',
    });
    expect((await refusal(repo)).details.join('\n')).toContain(`${topics}/cm.yaml:5: `);
    const dir = join(repo.path, '.git/airgap');
    const [name] = readdirSync(dir).filter((n) => n.startsWith('scan-cache-'));
    const stored = JSON.parse(readFileSync(join(dir, name ?? ''), 'utf8'));
    for (const verdict of stored.verdicts) verdict.problems = [];
    writeFileSync(join(dir, name ?? ''), JSON.stringify(stored));
    const again = await refusal(repo);
    expect(again.details.join('\n')).toContain(
      `${topics}/cm.yaml:5: holds a github-pat credential`,
    );
  });

  it('refuses a credential again with screen tags beside an edited cache, even tags copied onto it', async () => {
    await using repo = await repoWith({
      'cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\ndata:\n  GH: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A\n',
    });
    const dir = join(repo.path, '.git/airgap');
    const passAll = () => {
      const [name] = readdirSync(dir).filter((n) => n.startsWith('scan-cache-'));
      const stored = JSON.parse(readFileSync(join(dir, name ?? ''), 'utf8'));
      for (const verdict of stored.verdicts) verdict.problems = [];
      writeFileSync(join(dir, name ?? ''), JSON.stringify(stored));
    };
    await refusal(repo);
    passAll();
    // The second bundle screens the cached files: the clean ones' bytes get tags.
    await refusal(repo);
    const tags = readFileSync(join(dir, 'screen-tags.bin'));
    expect(tags.length).toBeGreaterThan(16);
    passAll();
    // Every tag there is, repeated: none is the credential's bytes'.
    writeFileSync(join(dir, 'screen-tags.bin'), Buffer.concat([tags, tags]));
    expect((await refusal(repo)).details.join('\n')).toContain(
      `${topics}/cm.yaml:5: holds a github-pat credential`,
    );
  });

  it('ships a credential-looking file the spec allows with a reason, with a warning', async () => {
    await using repo = await repoWith({ 'kafka.env': 'KAFKA_USER=app\n' });
    const spec = join(repo.path, 'bundles/dev-topics.yaml');
    writeFileSync(
      spec,
      `${readSpec(repo.path)}allowSecrets:\n  - { path: ${topics}/kafka.env, reason: 'no secret in it, user name only' }\n`,
    );
    commitAll(repo.path, 'allow');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    expect(result.warnings.join('\n')).toContain('allowed: no secret in it');
  });

  it('refuses a YAML alias bomb within a second and names the file', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const name of 'bcdefghi') {
      const prev = levels.length === 1 ? 'a' : String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    await using repo = await repoWith({
      'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`,
    });
    // The bomb used to hang bundle for minutes; the budget's error is the proof it stopped
    // (a hang fails at the test's timeout). No wall-clock bound here: that is the bench's job.
    const error = await refusal(repo);
    expect(error.exitCode).toBe(3);
    expect(error.details.join('\n')).toContain(
      `${topics}/bomb.yaml:1: document 1 expands its YAML aliases by more than 10,000 nodes`,
    );
  });

  it('refuses names that cannot travel, shown escaped; two non-UTF-8 names do not collapse', async () => {
    await using repo = await opsRepo();
    const dir = Buffer.from(join(repo.path, topics));
    for (const bytes of [[0xff], [0xfe]]) {
      const name = Buffer.concat([
        dir,
        Buffer.from('/bad-'),
        Buffer.from(bytes),
        Buffer.from('.yaml'),
      ]);
      writeFileSync(name, 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n');
    }
    writeFileSync(
      join(repo.path, topics, 'new\nline.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: n }\n',
    );
    writeFileSync(
      join(repo.path, topics, 'carriage\rreturn.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: r }\n',
    );
    writeFileSync(
      join(repo.path, 'bundles/dev-topics.yaml'),
      specWithFiles(repo.path, [`${topics}/**`]),
    );
    git(repo.path, 'add', '-A');
    // No file system here takes a 267-byte name, but git does (a commit made elsewhere).
    const blob = git({ cwd: repo.path, input: 'a: 1\n' }, 'hash-object', '-w', '--stdin').trim();
    const long = `${topics}/${'l'.repeat(200)}é${'o'.repeat(60)}.yaml`;
    git(repo.path, 'update-index', '--add', '--cacheinfo', `100644,${blob},${long}`);
    git(repo.path, 'commit', '-q', '-m', 'odd names');
    const error = await refusal(repo);
    expect(error.exitCode).toBe(3);
    expect(error.details).toHaveLength(5);
    const details = error.details.join('\n');
    expect(details).toContain(`${topics}/bad-\\xff.yaml: the name is not valid UTF-8`);
    expect(details).toContain(`${topics}/bad-\\xfe.yaml: the name is not valid UTF-8`);
    expect(details).toContain(`${topics}/new\\nline.yaml: a newline or carriage return`);
    expect(details).toContain(`${topics}/carriage\\rreturn.yaml: a newline or carriage return`);
    expect(details).toContain('a path component is 267 bytes, over the 255');
  });

  it('refuses a Git LFS pointer instead of shipping it', async () => {
    await using repo = await repoWith({
      'big.bin':
        'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n',
    });
    const result = await runCli(['bundle', 'dev-topics', '--repo', repo.path]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${topics}/big.bin:1: is a Git LFS pointer to 12345 bytes`);
  });
});

/** The example dev-topics spec with its files globs replaced. */
function specWithFiles(repo: string, files?: string[]): string {
  const text = readSpec(repo);
  return files ? text.replace(/^files:\n( {2}- .*\n)+/m, `files: [${files.join(', ')}]\n`) : text;
}

function readSpec(repo: string): string {
  return readFileSync(join(repo, 'bundles/dev-topics.yaml'), 'utf8');
}

describe('bundle refuses sizes the far side cannot work with', () => {
  it('refuses more units than the marker protocol numbers, with the numbers', async () => {
    await using repo = await opsRepo();
    const steps = Array.from({ length: 99_996 }, (_, i) => `  - { name: s${i}, run: 'true' }`);
    writeFileSync(
      join(repo.path, 'bundles/dev-topics.yaml'),
      readSpec(repo.path).replace(
        /^steps:\n( {2}- .*\n( {4}.*\n)*)+/m,
        `steps:\n${steps.join('\n')}\n`,
      ),
    );
    commitAll(repo.path, 'many steps');
    const result = await runCli(['bundle', 'dev-topics', '--repo', repo.path]);
    expect(result.code).toBe(3);
    expect(unwrapped(result.stderr)).toContain(
      'the bundle is 100,002 units, over the limit of 99,999 units: the marker protocol numbers units up to 99,999',
    );
    // Refused from the spec before any byte is packed, so no PASTE.md was rendered to measure.
    expect(result.stderr).toContain('nothing was packed');
  });

  it('refuses a description over the hard limit with the spec line, and warns above the soft one', async () => {
    await using repo = await opsRepo();
    const spec = join(repo.path, 'bundles/dev-topics.yaml');
    const original = readSpec(repo.path);
    writeFileSync(spec, original.replace(/^description: .*$/m, `description: ${'d'.repeat(2001)}`));
    commitAll(repo.path, 'long description');
    const error = await refusal(repo);
    expect(error.exitCode).toBe(3);
    expect(error.details).toContain(
      'bundles/dev-topics.yaml:4: description: the description is over 2,000 characters: shorten it',
    );
    writeFileSync(spec, original.replace(/^description: .*$/m, `description: ${'d'.repeat(300)}`));
    commitAll(repo.path, 'shorter description');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    expect(result.warnings).toContain(
      'the description is 300 characters, over the 200 characters that works comfortably (limit 2,000 characters)',
    );
  });
});

describe('conditions of the machine are not bugs', () => {
  it('names a missing git with its own exit code (34), in one line and a hint', async () => {
    await using repo = await opsRepo();
    const result = await runCli(['bundle', 'dev-topics', '--repo', repo.path], {
      env: { PATH: repo.dir() },
    });
    expect(result.code).toBe(34);
    expect(result.stderr).toBe(
      'error: git is not installed or not on PATH\nhint: install git: airgap reads commits with it (apt-get install git)\n',
    );
  });

  it('lists a damaged bundle record with file and line as needing attention, not a bug', async () => {
    await using repo = await opsRepo();
    const first = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const recordPath = join(repo.path, `bundles/records/${first.record.id}.json`);
    writeFileSync(
      recordPath,
      readFileSync(recordPath, 'utf8').replace('"commit"', '"commit" oops'),
    );
    // status reports a record it cannot read as an item needing attention (issue 26) instead
    // of aborting, still naming the file and line, and never calls it a bug.
    const result = await runCli(['status', '--repo', repo.path]);
    expect(result.code).toBe(0);
    expect(result.stdout.replace(/\n\s+/g, ' ')).toMatch(
      /bundles\/records\/dev-topics-[0-9a-f]{7}\.json: not a bundle record: .* \(line \d+\)/,
    );
    expect(result.stdout + result.stderr).not.toContain('bug');
    const check = await runCli(['status', '--repo', repo.path, '--check']);
    expect(check.code).toBe(27);
    // A command that needs the record still stops on it: exit 33, file and line.
    const discard = await runCli([
      'discard',
      first.record.id,
      '--reason',
      'x',
      '--repo',
      repo.path,
    ]);
    expect(discard.code).toBe(33);
    expect(unwrapped(discard.stderr)).toMatch(
      /bundles\/records\/dev-topics-[0-9a-f]{7}\.json: not a bundle record: .* \(line \d+\)/,
    );
    expect(discard.stderr).not.toContain('bug');
  });
});
