import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, git } from '../helpers/ops-repo.js';

const TOPICS = 'k8s/dev/topics';
const CRLF = `${TOPICS}/kafka-topic-policy-issued.yaml`;
const EDITED = `${TOPICS}/kafka-topic-quote-priced.yaml`;
const DELETED = `${TOPICS}/kafka-topic-quote-requested.yaml`;

function committed(repo: string, path: string): Buffer {
  return execFileSync('git', ['show', `HEAD:${path}`], { cwd: repo });
}

// The pack phase reads a file from the work tree when its bytes hash to the committed blob
// (worktree-blobs.ts). Each file here differs from its blob in its own way; the archive must
// hold the committed bytes of every one.
describe('bundle packs committed bytes, whatever the work tree holds', () => {
  it('a CRLF checkout, an edited file and a deleted file', async () => {
    await using repo = await opsRepo();
    // Committed with LF, checked out with CRLF: git status calls this file clean.
    writeFileSync(join(repo.path, '.gitattributes'), `${CRLF} text eol=crlf\n`);
    commitAll(repo.path, 'CRLF in the work tree');
    rmSync(join(repo.path, CRLF));
    git(repo.path, 'checkout', '--', CRLF);
    const crlf = readFileSync(join(repo.path, CRLF));
    expect(crlf.includes('\r\n')).toBe(true);
    expect(committed(repo.path, CRLF).includes('\r')).toBe(false);
    expect(git(repo.path, 'status', '--porcelain')).toBe('');
    const clean = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });

    // Longer than the blob, with the blob's bytes first: a read of the blob's size alone
    // would hash to the committed id, so it must be those bytes that are packed.
    const edited = committed(repo.path, EDITED);
    writeFileSync(join(repo.path, EDITED), Buffer.concat([edited, Buffer.from('# local\n')]));
    rmSync(join(repo.path, DELETED));
    const dirty = await bundle({
      spec: 'dev-topics',
      repo: repo.path,
      out: repo.dir(),
      allowDirty: true,
    });

    for (const result of [clean, dirty]) {
      const extracted = repo.dir();
      execFileSync('tar', ['-xzf', result.archivePath, '-C', extracted]);
      for (const path of [CRLF, EDITED, DELETED])
        expect(readFileSync(join(extracted, path)).equals(committed(repo.path, path))).toBe(true);
    }
    // The same commit gives the same archive, whatever the work tree held.
    expect(dirty.record.archive.sha256).toBe(clean.record.archive.sha256);
  });

  it('a file the checkout edited in place: same size, other bytes', async () => {
    await using repo = await opsRepo();
    const bytes = committed(repo.path, EDITED);
    writeFileSync(join(repo.path, EDITED), bytes.toString('latin1').toUpperCase(), 'latin1');
    const result = await bundle({
      spec: 'dev-topics',
      repo: repo.path,
      out: repo.dir(),
      allowDirty: true,
    });
    const extracted = repo.dir();
    execFileSync('tar', ['-xzf', result.archivePath, '-C', extracted]);
    expect(readFileSync(join(extracted, EDITED)).equals(bytes)).toBe(true);
    expect(result.record.files.find((f) => f.path === EDITED)?.size).toBe(bytes.length);
  });
});
