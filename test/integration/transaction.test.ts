import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  realTransactionFs,
  TransactionError,
  type TransactionFs,
  writeDocuments,
} from '../../src/util/transaction.js';
import { type TempDir, tempDir } from '../helpers/fixtures.js';

/** A repo-like dir with two documents, one of them CRLF, and a staging dir beside them. */
function setup(scratch: TempDir) {
  const root = scratch.dir('airgap-txn-');
  writeFileSync(join(root, 'PENDING-CHANGES.md'), '# Pending\r\n\r\nhuman text\r\n');
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs/ecr-manifest.md'), '# ECR\n');
  chmodSync(join(root, 'docs/ecr-manifest.md'), 0o640);
  const snapshot = () =>
    ['PENDING-CHANGES.md', 'docs/ecr-manifest.md'].map((f) =>
      readFileSync(join(root, f)).toString('base64'),
    );
  return { root, staging: join(root, '.git-airgap', 'staged'), snapshot };
}

const writes = [
  { rel: 'PENDING-CHANGES.md', content: 'new pending\n' },
  { rel: 'docs/ecr-manifest.md', content: 'new ecr\n' },
  { rel: 'docs/RUNBOOKS/2026-02-13-x.md', content: 'runbook\n' },
];

async function failure(promise: Promise<unknown>): Promise<TransactionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransactionError);
  return error as TransactionError;
}

describe('writeDocuments', () => {
  it('writes every document, creates folders, keeps modes and leaves no staging behind', async () => {
    await using tmp = await tempDir();
    const { root, staging } = setup(tmp);
    const big = join(tmp.dir(), 'transcript.log');
    writeFileSync(big, 'x'.repeat(100_000));
    await writeDocuments(root, [...writes, { rel: 'docs/t/a.log', fromFile: big }], staging);
    expect(readFileSync(join(root, 'PENDING-CHANGES.md'), 'utf8')).toBe('new pending\n');
    expect(readFileSync(join(root, 'docs/RUNBOOKS/2026-02-13-x.md'), 'utf8')).toBe('runbook\n');
    expect(readFileSync(join(root, 'docs/t/a.log'), 'utf8')).toHaveLength(100_000);
    expect(statSync(join(root, 'docs/ecr-manifest.md')).mode & 0o777).toBe(0o640);
    expect(existsSync(staging)).toBe(false);
  });

  it('refuses a read-only document before touching any', async () => {
    await using tmp = await tempDir();
    const { root, staging, snapshot } = setup(tmp);
    chmodSync(join(root, 'docs/ecr-manifest.md'), 0o444);
    const before = snapshot();
    const error = await failure(writeDocuments(root, writes, staging));
    expect(error.message).toBe('docs/ecr-manifest.md: the file is read-only');
    expect(snapshot()).toEqual(before);
    expect(existsSync(join(root, 'docs/RUNBOOKS'))).toBe(false);
    expect(existsSync(staging)).toBe(false);
  });

  it('leaves every document as it was when the disk fills while staging', async () => {
    await using tmp = await tempDir();
    const { root, staging, snapshot } = setup(tmp);
    const before = snapshot();
    let written = 0;
    const fullDisk: TransactionFs = {
      ...realTransactionFs,
      writeFile: async (path, data) => {
        if (++written === 3)
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        await realTransactionFs.writeFile(path, data);
      },
    };
    const error = await failure(writeDocuments(root, writes, staging, fullDisk));
    expect(error.message).toBe('docs/RUNBOOKS/2026-02-13-x.md: no space left on the device');
    expect(snapshot()).toEqual(before);
    expect(existsSync(staging)).toBe(false);
  });

  it('rolls back the documents already replaced when a later rename fails', async () => {
    await using tmp = await tempDir();
    const { root, staging, snapshot } = setup(tmp);
    const before = snapshot();
    let renames = 0;
    const failingRename: TransactionFs = {
      ...realTransactionFs,
      rename: async (from, to) => {
        if (to.startsWith(root) && !to.startsWith(staging) && ++renames === 3)
          throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        await realTransactionFs.rename(from, to);
      },
    };
    await failure(writeDocuments(root, writes, staging, failingRename));
    expect(snapshot()).toEqual(before);
    expect(existsSync(join(root, 'docs/RUNBOOKS'))).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['.git-airgap', 'PENDING-CHANGES.md', 'docs']);
    expect(existsSync(staging)).toBe(false);
  });
});
