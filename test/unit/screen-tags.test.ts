import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileScanner } from '../../src/bundle/file-scanner.js';
import { type CachedScan, ScanCache } from '../../src/bundle/scan-cache.js';
import { ScreenTags } from '../../src/bundle/screen-tags.js';
import { LOWERS_TO_ASCII } from '../../src/secrets/line-filter.js';
import { sha256Hex } from '../../src/util/hash.js';
import { type TempDir, tempDir } from '../helpers/fixtures.js';
import { blobEntries } from '../helpers/tree-entries.js';

const clean = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { k: v }\n';
const token =
  'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { k: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A }\n';
/** What an edited .git/airgap says of every file: nothing to report. */
const lying = (): CachedScan => ({ problems: [], images: [], isKubernetes: false, objects: [] });

/**
 * One bundle's scan of `files` through FileScanner, every file cached with the lying verdict,
 * the screen tags of `gitDir` read with the key in `keyDir` and saved after: the paths refused.
 */
async function refused(gitDir: string, keyDir: string, files: Record<string, string>) {
  const entries = blobEntries(files);
  const cache = ScanCache.load(gitDir);
  for (const e of entries) cache.set(ScanCache.key(e.objectId, e.path), lying());
  const tags = new ScreenTags(gitDir, keyDir);
  const scanner = new FileScanner(entries, cache, [], [], tags);
  for (const [index, text] of Object.values(files).entries())
    scanner.chunk(index, Buffer.from(text));
  await scanner.finish();
  await tags.save();
  return [...new Set(scanner.problems.filter((p) => p.kind === 'secret').map((p) => p.path))];
}

const tagsFile = (gitDir: string) => join(gitDir, 'airgap', 'screen-tags.bin');

/**
 * Writes into `gitDir` a tag for each text made with the key in `keyDir`, as the screen would
 * (under another build's screen when `identity` is given).
 */
async function tagged(
  gitDir: string,
  keyDir: string,
  texts: string[],
  identity?: () => string,
): Promise<void> {
  const tags = new ScreenTags(gitDir, keyDir, identity);
  for (const text of texts) tags.add(sha256Hex(Buffer.from(text)));
  await tags.save();
}

async function dirs(tmp: TempDir) {
  const gitDir = tmp.dir('git-');
  return { gitDir, keyDir: join(tmp.dir('cache-'), 'airgap') };
}

describe('ScreenTags', () => {
  it('tags the bytes the screen passed; a tag under the user key skips the screen', async () => {
    await using tmp = await tempDir();
    const { gitDir, keyDir } = await dirs(tmp);
    const files = { 'a.yaml': clean, 'b.yaml': token };
    expect(await refused(gitDir, keyDir, files)).toEqual(['b.yaml']);
    // Only the clean file's bytes passed the screen: the HMAC and one sha256.
    expect(readFileSync(tagsFile(gitDir)).length).toBe(64);
    // The key is the user's alone.
    expect(statSync(join(keyDir, 'screen-key')).mode & 0o777).toBe(0o600);
    // The shortcut itself: with a tag (only the key can make one) the cached verdict is used
    // without the screen, so a lying one is believed. This is why the key must stay out of reach.
    await tagged(gitDir, keyDir, [token]);
    expect(await refused(gitDir, keyDir, files)).toEqual([]);
  });

  it("refuses again when the tags were made under another user's key", async () => {
    await using tmp = await tempDir();
    const { gitDir, keyDir } = await dirs(tmp);
    await tagged(gitDir, join(tmp.dir('other-'), 'airgap'), [token]);
    expect(await refused(gitDir, keyDir, { 'b.yaml': token })).toEqual(['b.yaml']);
  });

  it('refuses again when the tags were made by a build whose screen differs', async () => {
    await using tmp = await tempDir();
    const { gitDir, keyDir } = await dirs(tmp);
    await tagged(gitDir, keyDir, [token], () => 'a screen that passed more');
    expect(await refused(gitDir, keyDir, { 'b.yaml': token })).toEqual(['b.yaml']);
  });

  it('trusts no tag made before the screen folded another character past ASCII', async () => {
    // LineFilter reads the folds from a table its source only names: a build that folds one
    // more (here ſ to s, as toLowerCase does not) screens differently, so it derives another key.
    await using tmp = await tempDir();
    const { gitDir, keyDir } = await dirs(tmp);
    await tagged(gitDir, keyDir, [clean]);
    const passed = () => new ScreenTags(gitDir, keyDir).has(sha256Hex(clean));
    expect(passed()).toBe(true);
    const folds = LOWERS_TO_ASCII as Map<number, number>;
    folds.set(0x17f, 0x73);
    try {
      expect(passed()).toBe(false);
    } finally {
      folds.delete(0x17f);
    }
    expect(passed()).toBe(true);
  });

  it('refuses again when the bytes changed under the same path (a tag or cache entry copied)', async () => {
    await using tmp = await tempDir();
    const { gitDir, keyDir } = await dirs(tmp);
    expect(await refused(gitDir, keyDir, { 'b.yaml': clean })).toEqual([]);
    expect(readFileSync(tagsFile(gitDir)).length).toBe(64);
    expect(await refused(gitDir, keyDir, { 'b.yaml': token })).toEqual(['b.yaml']);
  });

  it('refuses again when the tags file was edited, cut or extended', async () => {
    await using tmp = await tempDir();
    const { gitDir, keyDir } = await dirs(tmp);
    await tagged(gitDir, keyDir, [clean, token]);
    const good = readFileSync(tagsFile(gitDir));
    const cleanPassed = () => new ScreenTags(gitDir, keyDir).has(sha256Hex(clean));
    expect(cleanPassed()).toBe(true);
    const files = { 'b.yaml': token };
    // One bit of the clean file's entry flipped; the token's entry untouched.
    const flipped = Buffer.from(good);
    flipped[40] = (flipped[40] as number) ^ 1;
    for (const edited of [
      flipped,
      good.subarray(0, 64),
      Buffer.concat([good, good.subarray(32)]),
    ]) {
      writeFileSync(tagsFile(gitDir), edited);
      expect(cleanPassed()).toBe(false);
      expect(await refused(gitDir, keyDir, files)).toEqual(['b.yaml']);
    }
  });

  it('screens every file, and tags none, when no key can be had', async () => {
    await using tmp = await tempDir();
    const { gitDir } = await dirs(tmp);
    const notADir = join(tmp.dir('cache-'), 'file');
    writeFileSync(notADir, '');
    await tagged(gitDir, join(tmp.dir('other-'), 'airgap'), [token]);
    expect(await refused(gitDir, notADir, { 'a.yaml': clean, 'b.yaml': token })).toEqual([
      'b.yaml',
    ]);
    const before = readFileSync(tagsFile(gitDir));
    expect(await refused(gitDir, notADir, { 'a.yaml': clean })).toEqual([]);
    expect(readFileSync(tagsFile(gitDir))).toEqual(before);
  });
});
