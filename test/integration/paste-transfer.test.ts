import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { AirgapError } from '../../src/errors.js';
import { fakeBastion } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo, type TempDir } from '../helpers/fixtures.js';
import { commitAll, requireTool } from '../helpers/ops-repo.js';

/** A bastion without S3: `aws` is there but fails loudly if anything calls it. */
function noS3Bastion(scratch: TempDir, result: Awaited<ReturnType<typeof bundle>>) {
  const bastion = fakeBastion(scratch, result);
  const bin = scratch.dir();
  writeFileSync(
    join(bin, 'aws'),
    '#!/usr/bin/env bash\necho "aws must not be called" >&2\nexit 99\n',
    { mode: 0o755 },
  );
  symlinkSync(join(process.cwd(), 'scripts/standins/kubectl'), join(bin, 'kubectl'));
  rmSync(bastion.objectPath);
  return { ...bastion, env: { ...bastion.env, PATH: `${bin}:${process.env.PATH}` } };
}

/** dev-topics bundled from `repo` for paste transfer, into `out`. */
function pasteBundle(repo: OpsRepo, out = repo.dir()) {
  return bundle({ spec: 'dev-topics', repo: repo.path, out, paste: true });
}

function runScripts(scripts: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const run = spawnSync(
    'bash',
    ['-c', scripts.map((s) => `bash ${JSON.stringify(s)}`).join('; ')],
    { env, cwd, encoding: 'utf8' },
  );
  return { code: run.status ?? 1, out: run.stdout + run.stderr };
}

describe('airgap bundle --paste', () => {
  it('carries the archive through pasted blocks and deploys with coreutils alone', async () => {
    await using repo = await opsRepo();
    const result = await pasteBundle(repo);
    expect(readdirSync(result.outDir)).toEqual(
      expect.arrayContaining(['PASTE-TRANSFER.md', 'paste-transfer.sh']),
    );
    const bastion = noS3Bastion(repo, result);
    const run = runScripts(
      [join(result.outDir, 'paste-transfer.sh'), join(result.outDir, 'bastion.sh')],
      bastion.env,
      bastion.home,
    );
    expect(run.out).toContain('part-001.b64: OK');
    expect(run.out).toContain('reassembled');
    expect(run.out).not.toContain('aws must not be called');
    expect(run.out).toContain('airgap: RESULT: SUCCESS');
    expect(run.code).toBe(0);
    if (requireTool('shellcheck')) {
      const check = spawnSync(
        'shellcheck',
        ['--severity=warning', join(result.outDir, 'paste-transfer.sh')],
        { encoding: 'utf8' },
      );
      expect(check.stdout).toBe('');
    }
  });

  it('stops before kubectl when a pasted part was damaged', async () => {
    await using repo = await opsRepo();
    const result = await pasteBundle(repo);
    const script = join(result.outDir, 'paste-transfer.sh');
    const text = readFileSync(script, 'utf8');
    const heredoc = "<<'AIRGAP_PART_EOF' || :\n";
    const start = text.indexOf(heredoc) + heredoc.length;
    expect(start).toBeGreaterThan(heredoc.length);
    const damaged = `${text.slice(0, start + 10)}${text[start + 10] === 'A' ? 'B' : 'A'}${text.slice(start + 11)}`;
    writeFileSync(script, damaged);
    const bastion = noS3Bastion(repo, result);
    const run = runScripts([script, join(result.outDir, 'bastion.sh')], bastion.env, bastion.home);
    expect(run.out).toContain('part-001.b64: FAILED');
    expect(run.code).not.toBe(0);
    expect(existsSync(join(bastion.kubeState, 'calls.log'))).toBe(false);
  });

  it('refuses an archive too big to paste, writing nothing', async () => {
    await using repo = await opsRepo();
    writeFileSync(join(repo.path, 'k8s/dev/topics/blob.bin'), randomBytes(3 * 1024 * 1024));
    const spec = join(repo.path, 'bundles/dev-topics.yaml');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace('  - k8s/dev/topics/*.yaml', '  - k8s/dev/topics/*'),
    );
    commitAll(repo.path, 'big');
    const out = repo.dir();
    const error = await pasteBundle(repo, out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AirgapError);
    expect((error as AirgapError).message).toContain('paste transfer is limited to 2 MiB');
    expect(readdirSync(out)).toEqual([]);
  });
});
