import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { headCommit, headCommitAndFile, showCommittedFile } from '../../src/repo/git.js';
import { tempDir } from '../helpers/fixtures.js';
import { git } from '../helpers/ops-repo.js';

/** The two-process answer headCommitAndFile must equal: headCommit, then showCommittedFile. */
async function twoWays(root: string, path: string) {
  const commit = await headCommit(root);
  return { commit, file: await showCommittedFile(root, commit.sha, path) };
}

describe('headCommitAndFile (one git show for HEAD and the spec)', () => {
  it('answers as headCommit and showCommittedFile do, for odd subjects and files', async () => {
    await using tmp = await tempDir();
    const root = tmp.dir();
    git(root, 'init', '-q');
    mkdirSync(`${root}/bundles`);
    const files: Record<string, Buffer | string> = {
      'bundles/ops.yaml': 'name: ops\n',
      'bundles/empty.yaml': '',
      'bundles/no-newline.yaml': 'name: x',
      'bundles/nul.yaml': Buffer.from([0x6e, 0, 0x0a, 0, 0]),
      'bundles/sp ace:colon.yaml': '\n\nname: y\n',
    };
    for (const [path, content] of Object.entries(files)) writeFileSync(`${root}/${path}`, content);
    git(root, 'add', '-A');
    const subjects = [
      'plain',
      '  padded subject  \n\nbody',
      'first line\nsecond line of the same paragraph\n\nbody',
      'ünïcödé: ops',
    ];
    for (const message of subjects) {
      git(root, 'commit', '-q', '--allow-empty', '--cleanup=verbatim', '-m', message);
      for (const [path, content] of Object.entries(files)) {
        const one = await headCommitAndFile(root, path);
        expect(one).toEqual(await twoWays(root, path));
        expect(one?.file).toEqual(Buffer.from(content));
      }
    }
  });

  it('gives undefined for a file not committed and a repo without commits', async () => {
    await using tmp = await tempDir();
    const root = tmp.dir();
    git(root, 'init', '-q');
    writeFileSync(`${root}/a.yaml`, 'a: 1\n');
    expect(await headCommitAndFile(root, 'a.yaml')).toBeUndefined();
    git(root, 'add', 'a.yaml');
    git(root, 'commit', '-q', '-m', 'a');
    expect(await headCommitAndFile(root, 'b.yaml')).toBeUndefined();
    expect(await headCommitAndFile(root, 'a.yaml')).toBeDefined();
  });
});
