import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileScanner, SCAN_LIMIT } from '../../src/bundle/file-scanner.js';
import { type CachedScan, ScanCache } from '../../src/bundle/scan-cache.js';
import { scanContent } from '../../src/bundle/scan-content.js';
import type { TreeEntry } from '../../src/repo/git.js';
import { type TempDir, tempDir } from '../helpers/fixtures.js';
import { blobEntries } from '../helpers/tree-entries.js';

/** A scan cache in a fresh .git dir in `tmp`, holding `verdicts` for these files (not saved). */
function cacheWith(
  tmp: TempDir,
  entries: readonly TreeEntry[],
  verdicts: readonly CachedScan[],
): ScanCache {
  const dir = tmp.dir('git-');
  mkdirSync(join(dir, 'airgap'));
  const cache = ScanCache.load(dir);
  for (const [i, e] of entries.entries())
    cache.set(ScanCache.key(e.objectId, e.path), verdicts[i]!);
  return cache;
}

/** Every file's verdict as FileScanner gives it, its bytes passed in chunks of 7. */
async function scan(
  tmp: TempDir,
  files: Record<string, string>,
  verdicts?: (text: string, path: string) => CachedScan,
) {
  const entries = blobEntries(files);
  const texts = Object.values(files);
  const cache = verdicts
    ? cacheWith(
        tmp,
        entries,
        entries.map((e, i) => verdicts(texts[i]!, e.path)),
      )
    : cacheWith(tmp, [], []);
  const scanner = new FileScanner(entries, cache, []);
  texts.forEach((text, index) => {
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += 7) scanner.chunk(index, bytes.subarray(at, at + 7));
  });
  await scanner.finish();
  return { problems: scanner.problems, manifests: scanner.manifests, images: scanner.images };
}

const lying = (): CachedScan => ({ problems: [], images: [], isKubernetes: false, objects: [] });
const honest = (text: string, path: string) => scanContent(path, Buffer.from(text));

// Flagged by the screen for a credential rule's keyword alone: `aced` (Twilio) in Namespaced,
// `auth` in rbac.authorization.k8s.io; one holds a credential, one a YAML problem.
const crd =
  'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.example.com\nspec:\n  scope: Namespaced\n  names: { kind: A }\n---\nkind: Role\n';
const role =
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: r }\nrules: []\n---\n- image: busybox:1.36\n  env: { GH: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A }\n';
const secret =
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  db: hunter2hunter2\n';
const escapedSecret = secret.replace('kind: Secret', 'kind: "\\x53ecret"');
const kafkaUser =
  'apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaUser\nmetadata: { name: u }\nspec:\n  authentication:\n    type: scram-sha-512\n    password:\n      value: hunter2hunter2\n';
const kelvinKafkaUser = kafkaUser.replace('kind: KafkaUser', 'kind: \u212AafkaUser');
const lfs = 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 12\nauth: x\n';

describe('FileScanner with a cached verdict on a file the screen flags', () => {
  const files = {
    'k8s/crd.yaml': crd,
    'k8s/role.yaml': role,
    'k8s/secret.yaml': secret,
    'k8s/escaped.yaml': escapedSecret,
    'k8s/kafka-user.yaml': kafkaUser,
    'k8s/kelvin.yaml': kelvinKafkaUser,
    'k8s/lfs.yaml': lfs,
    'k8s/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { k: v }\n',
  };

  it('gives what a fresh scan gives when the cache is honest', async () => {
    await using tmp = await tempDir();
    const fresh = await scan(tmp, files);
    expect(fresh.problems.length).toBeGreaterThan(5);
    expect(await scan(tmp, files, honest)).toEqual(fresh);
  });

  it('refuses every credential, Secret and KafkaUser again when the cache says nothing', async () => {
    await using tmp = await tempDir();
    const fresh = await scan(tmp, files);
    const refusals = (found: typeof fresh) =>
      found.problems.filter((p) => p.kind === 'secret' || p.kind === 'warning');
    // Each is its own guard: the credential pass (role), `secret` (secret), the backslash
    // (escaped), `kafkauser` (kafka-user), the Kelvin sign folded to k (kelvin).
    expect(new Set(refusals(fresh).map((p) => p.path))).toEqual(
      new Set([
        'k8s/role.yaml',
        'k8s/secret.yaml',
        'k8s/escaped.yaml',
        'k8s/kafka-user.yaml',
        'k8s/kelvin.yaml',
      ]),
    );
    expect(refusals(await scan(tmp, files, lying))).toEqual(refusals(fresh));
  });

  it('makes the LFS pointer problem again when the cache says nothing', async () => {
    await using tmp = await tempDir();
    const fresh = await scan(tmp, { 'k8s/lfs.yaml': lfs });
    expect(fresh.problems[0]?.message).toContain('is a Git LFS pointer');
    expect((await scan(tmp, { 'k8s/lfs.yaml': lfs }, lying)).problems).toEqual(fresh.problems);
  });
});

describe('FileScanner on files it scans afresh', () => {
  it('gives a binary file (a NUL byte) the verdict of its bytes, and still reads text files', async () => {
    await using tmp = await tempDir();
    const files = {
      'k8s/blob.yaml': `${secret}\0`,
      'k8s/id_rsa': '\0binary key',
      'k8s/secret.yaml': secret,
    };
    const { problems } = await scan(tmp, files);
    const expected = Object.entries(files).flatMap(
      ([path, text]) => scanContent(path, Buffer.from(text)).problems,
    );
    expect(problems).toEqual(expected);
    expect(new Set(problems.map((p) => p.path))).toEqual(
      new Set(['k8s/id_rsa', 'k8s/secret.yaml']),
    );
  });
});

describe('FileScanner hashes', () => {
  it("gives every file the sha256 of its bytes: in one chunk, in many, none, or past the scan's limit", async () => {
    await using tmp = await tempDir('airgap-scanner-');
    const big = Buffer.alloc(SCAN_LIMIT + 10, 'a');
    const contents = [
      Buffer.from('kind: ConfigMap\n'),
      Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: many }\n'),
      Buffer.alloc(0),
      big,
    ];
    const entries: TreeEntry[] = contents.map((bytes, i) => ({
      path: `k8s/f${i}.yaml`,
      mode: '100644',
      type: 'blob',
      objectId: `blob${i}`,
      size: bytes.length,
    }));
    const scanner = new FileScanner(entries, cacheWith(tmp, [], []), []);
    scanner.chunk(0, contents[0]!);
    for (let at = 0; at < contents[1]!.length; at += 5)
      scanner.chunk(1, contents[1]!.subarray(at, at + 5));
    for (let at = 0; at < big.length; at += 1 << 20)
      scanner.chunk(3, big.subarray(at, at + (1 << 20)));
    await scanner.finish();
    expect(scanner.files.map((f) => f.sha256)).toEqual(
      contents.map((bytes) => createHash('sha256').update(bytes).digest('hex')),
    );
  });
});

describe('FileScanner and its scan worker', () => {
  it('asks the cache what is left to scan only when a file needs a scan, not before the first blob', async () => {
    await using tmp = await tempDir();
    const files = { 'a.yaml': 'kind: A\n', 'b.yaml': 'kind: B\n' };
    const entries = blobEntries(files);
    const texts = Object.values(files);
    const warm = cacheWith(
      tmp,
      entries,
      entries.map((e, i) => honest(texts[i]!, e.path)),
    );
    const cold = cacheWith(tmp, entries.slice(0, 1), [honest(texts[0]!, 'a.yaml')]);
    for (const [cache, asked] of [
      [warm, 0],
      [cold, entries.length],
    ] as const) {
      let calls = 0;
      const has = cache.has.bind(cache);
      cache.has = (key) => {
        calls++;
        return has(key);
      };
      const scanner = new FileScanner(entries, cache, []);
      expect(calls).toBe(0);
      for (const [index, text] of texts.entries()) scanner.chunk(index, Buffer.from(text));
      await scanner.finish();
      // A warm bundle scans nothing and never sums; a file to scan sums once, over every file.
      expect(calls).toBe(asked);
    }
  });
});
