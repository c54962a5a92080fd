import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTree } from '../../src/repo/git.js';
import {
  type BlobEntry,
  hashesTo,
  WORKTREE_MAX,
  WorktreeBlobs,
  worktreeMayHold,
  writeBlobHeader,
} from '../../src/repo/worktree-blobs.js';
import { tempDir } from '../helpers/fixtures.js';

// git's ids of the empty blob and of "hello\n" (git hash-object, sha1 and sha256 repos).
const EMPTY_SHA1 = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
const EMPTY_SHA256 = '473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813';
const HELLO_SHA1 = 'ce013625030ba8dba906f756967f9e9ca394464a';

const object = (text: string) => Buffer.from(`blob ${Buffer.byteLength(text)}\0${text}`, 'latin1');

function entry(fields: Partial<BlobEntry>): BlobEntry {
  return { path: 'a.txt', mode: '100644', objectId: HELLO_SHA1, size: 6, ...fields };
}

async function readEach(blobs: WorktreeBlobs, count: number, how: 'read' | 'next' | 'readAll') {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (how === 'readAll') out.push((await blobs.readAll()).toString('latin1'));
    else if (how === 'next') {
      const chunks: Buffer[] = [];
      for await (const chunk of blobs.next()) chunks.push(chunk);
      out.push(Buffer.concat(chunks).toString('latin1'));
    } else {
      const chunks: Buffer[] = [];
      const size = await blobs.read((chunk) => {
        chunks.push(chunk);
        return undefined;
      });
      out.push(Buffer.concat(chunks).toString('latin1'));
      expect(size).toBe(Buffer.concat(chunks).length);
    }
  }
  return out;
}

describe('git blob ids', () => {
  it('hashes a header and bytes as git does, sha1 or sha256 by the id length', () => {
    for (const size of [0, 6, 9, 10, 99, 100, 4096, 1234567, 2 ** 40]) {
      const target = Buffer.alloc(40, 0xff);
      const end = writeBlobHeader(target, 3, size);
      expect(target.subarray(3, end).toString('latin1')).toBe(`blob ${size}\0`);
      expect(target[2]).toBe(0xff);
      expect(target[end]).toBe(0xff);
    }
    expect(hashesTo(object(''), EMPTY_SHA1)).toBe(true);
    expect(hashesTo(object(''), EMPTY_SHA256)).toBe(true);
    expect(hashesTo(object('hello\n'), HELLO_SHA1)).toBe(true);
    expect(hashesTo(object('hello\r\n'), HELLO_SHA1)).toBe(false);
    expect(hashesTo(Buffer.from('hello\n'), HELLO_SHA1)).toBe(false);
  });

  it('leaves to git what the work tree cannot hold as plain bytes', () => {
    expect(worktreeMayHold(entry({}))).toBe(true);
    expect(worktreeMayHold(entry({ mode: '100755' }))).toBe(true);
    expect(worktreeMayHold(entry({ mode: '120000' }))).toBe(true);
    expect(worktreeMayHold(entry({ size: WORKTREE_MAX }))).toBe(true);
    expect(worktreeMayHold(entry({ size: WORKTREE_MAX + 1 }))).toBe(false);
    expect(worktreeMayHold(entry({ mode: '160000' }))).toBe(false);
    expect(worktreeMayHold(entry({ rawName: Buffer.from([0xff]) }))).toBe(false);
    expect(worktreeMayHold(entry({ objectId: 'abc' }))).toBe(false);
  });
});

describe('WorktreeBlobs', () => {
  it('reads verified files without git: the directory is no repo, so cat-file would fail', async () => {
    await using tmp = await tempDir('airgap-worktree-');
    writeFileSync(join(tmp.path, 'a.txt'), 'hello\n');
    symlinkSync('a.txt', join(tmp.path, 'link'));
    const linkId = execFileSync('git', ['hash-object', '--stdin'], { input: 'a.txt' })
      .toString()
      .trim();
    const entries = [
      entry({}),
      entry({ path: 'gone.txt', objectId: EMPTY_SHA1, size: 0 }),
      entry({ path: 'link', mode: '120000', objectId: linkId, size: 5 }),
    ];
    for (const how of ['read', 'next', 'readAll'] as const) {
      const blobs = new WorktreeBlobs(tmp.path, entries);
      expect(await readEach(blobs, 3, how)).toEqual(['hello\n', '', 'a.txt']);
      blobs.close();
    }
  });

  it('hands on the committed bytes, in order, for every file the work tree does not hold', async () => {
    await using tmp = await tempDir('airgap-worktree-');
    const repo = tmp.path;
    execFileSync('git', ['init', '-q', repo]);
    // Enough misses that the reader gives the rest to cat-file at once, after some hits.
    const texts = Array.from({ length: 300 }, (_, i) => `file ${i}\n`.repeat(i % 7));
    mkdirSync(join(repo, 'd'));
    const fileAt = (i: number) => join(repo, `d/f${String(i).padStart(3, '0')}`);
    for (const [i, text] of texts.entries()) writeFileSync(fileAt(i), text);
    symlinkSync('f000', join(repo, 'd/link'));
    execFileSync('git', ['add', '.'], { cwd: repo });
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'files'],
      { cwd: repo },
    );
    const entries = await listTree(repo, 'HEAD');
    const committed = [...texts, 'f000'];
    for (const [i, text] of texts.entries()) {
      const path = fileAt(i);
      if (i % 3 === 0)
        writeFileSync(path, `${text}edited\n`); // longer: its start is the blob
      else if (i % 3 === 1 && i > 60) rmSync(path);
      else if (i % 3 === 1) writeFileSync(path, text.toUpperCase()); // same size
    }
    rmSync(join(repo, 'd/link'));
    writeFileSync(join(repo, 'd/link'), 'f000');
    for (const how of ['read', 'next', 'readAll'] as const) {
      const blobs = new WorktreeBlobs(repo, entries);
      try {
        expect(await readEach(blobs, entries.length, how)).toEqual(committed);
        // Files past the 64th miss came from git although the work tree held their blobs.
        const held = texts.filter((text, i) => i % 3 !== 1 || !text).length;
        expect(blobs.fromWorktree).toBeGreaterThan(64);
        expect(blobs.fromWorktree).toBeLessThan(held);
      } finally {
        blobs.close();
      }
    }
  });

  it('verifies by sha256 in a sha256 repository, and falls back to its cat-file', async () => {
    await using tmp = await tempDir('airgap-worktree-');
    const repo = tmp.path;
    execFileSync('git', ['init', '-q', '--object-format=sha256', repo]);
    writeFileSync(join(repo, 'same'), 'kept\n');
    writeFileSync(join(repo, 'edited'), 'committed\n');
    execFileSync('git', ['add', '.'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'x'], {
      cwd: repo,
    });
    const entries = await listTree(repo, 'HEAD');
    expect(entries.every((e) => e.objectId.length === 64)).toBe(true);
    writeFileSync(join(repo, 'edited'), 'edited!!!\n');
    const blobs = new WorktreeBlobs(repo, entries);
    try {
      expect(await readEach(blobs, 2, 'readAll')).toEqual(['committed\n', 'kept\n']);
    } finally {
      blobs.close();
    }
  });
});
