import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { status } from '../../src/commands/status/status.js';
import { upload } from '../../src/commands/upload/upload.js';
import { type BastionRuns, sharedBastionRun } from '../helpers/bastion.js';
import { expectAirgapError, unwrapped } from '../helpers/errors.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, runCli } from '../helpers/ops-repo.js';

/** What a newcomer met following the README (notes/s7/note-n7.md), each as they met it. */
describe('errors a newcomer meets', () => {
  it('an invalid committed spec with a fixed working copy is "fixed but not committed" (4)', async () => {
    await using repo = await opsRepo();
    const specFile = join(repo.path, 'bundles/dev-topics.yaml');
    const good = readFileSync(specFile, 'utf8');
    writeFileSync(specFile, good.replace('\nverify:', '\nverfy:'));
    commitAll(repo.path, 'typo in the spec');
    const run = () => bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    // The committed typo with a clean tree: as before, its line.
    const committed = await expectAirgapError(run());
    expect(committed.exitCode).toBe(3);
    expect(committed.details.join('\n')).toContain('unknown key verfy');
    // Fixed on disk, not committed: not HEAD's typo again, but what to do.
    writeFileSync(specFile, good);
    const fixed = await expectAirgapError(run());
    expect(fixed.exitCode).toBe(4);
    expect(fixed.message).toBe(
      "bundles/dev-topics.yaml: fixed but not committed (HEAD's version is invalid)",
    );
    expect(fixed.details).toEqual(['modified: bundles/dev-topics.yaml']);
    expect(fixed.hint).toContain('git add bundles/dev-topics.yaml && git commit');
    // Still wrong on disk, and differently: the working copy's lines, and that it is not committed.
    writeFileSync(specFile, `${good}extra: 1\n`);
    const stillWrong = await expectAirgapError(run());
    expect(stillWrong.exitCode).toBe(3);
    expect(stillWrong.message).toMatch(/in your working copy \(not committed\)$/);
    const lines = good.split('\n').length;
    expect(stillWrong.details.join('\n')).toContain(
      `bundles/dev-topics.yaml:${lines}: (top level): unknown key extra`,
    );
    expect(stillWrong.details.join('\n')).not.toContain('verfy');
    // Committed, it bundles.
    writeFileSync(specFile, good);
    commitAll(repo.path, 'fix the spec');
    expect((await run()).record.id).toMatch(/^dev-topics-/);
  });

  it('a folder where a file is expected, and a --repo that does not exist, are usage errors (2)', async () => {
    await using repo = await opsRepo();
    // ingest <the bastion folder>: was "this is a bug in airgap: EISDIR" (70).
    const folder = repo.dir();
    writeFileSync(join(folder, 'terminal.txt'), 'pasted\n');
    const ingested = await runCli(['ingest', folder, '--repo', repo.path]);
    expect(ingested.code).toBe(2);
    expect(unwrapped(ingested.stderr)).toContain(
      `${folder} is a directory: pass the transcript file`,
    );
    expect(ingested.stderr).toContain('terminal.txt');
    expect(ingested.stderr).not.toContain('bug');
    // --repo /no/such/dir: was "git is not installed or not on PATH" (34).
    const missing = join(repo.dir(), 'no-such-dir');
    for (const args of [
      ['bundle', 'dev-topics', '--repo', missing],
      ['ingest', join(folder, 'terminal.txt'), '--repo', missing],
      ['status', '--repo', missing],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(unwrapped(run.stderr)).toContain(`directory not found: ${missing}`);
      expect(run.stderr).not.toContain('git is not installed');
    }
    // --repo <a file>: spawn throws ENOTDIR at once; was "this is a bug in airgap" (70).
    const file = join(folder, 'terminal.txt');
    for (const args of [
      ['status', '--repo', file],
      ['bundle', 'dev-topics', '--repo', file],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(unwrapped(run.stderr)).toContain(`not a directory: ${file}`);
      expect(run.stderr).not.toContain('bug');
    }
    // A folder as the spec: was "(top level): expected object, got string" (3).
    const spec = await expectAirgapError(
      bundle({ spec: join(repo.path, 'k8s/dev/topics'), repo: repo.path, out: repo.dir() }),
    );
    expect(spec.exitCode).toBe(2);
    expect(spec.message).toBe(
      `${join(repo.path, 'k8s/dev/topics')} is a directory, not a bundle spec file`,
    );
    expect(spec.hint).toMatch(/^available: .*dev-topics/);
  });

  it('upload of the folder above the bundle dirs names them (2), not a damaged bundle (6)', async () => {
    await using repo = await opsRepo();
    const out = repo.dir();
    const built = await bundle({ spec: 'dev-topics', repo: repo.path, out });
    mkdirSync(join(out, 'not-a-bundle'));
    const error = await expectAirgapError(upload({ bundleDir: out }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`${out} holds bundle directories; pass one of them`);
    expect(error.details).toEqual([built.outDir]);
    // A folder holding none is still an incomplete copy (6), as before.
    const empty = await expectAirgapError(upload({ bundleDir: join(out, 'not-a-bundle') }));
    expect(empty.exitCode).toBe(6);
  });

  it('bundle of unchanged content names its recorded state, not "already prepared", once deployed or failed', async () => {
    await using repo = await opsRepo();
    const runs: BastionRuns = new Map();
    const out = repo.dir();
    const built = await bundle({ spec: 'dev-topics', repo: repo.path, out });
    commitAll(repo.path, 'prepared');
    const prepared = await runCli(['bundle', 'dev-topics', '--repo', repo.path, '--out', out]);
    expect(prepared.stdout).toContain(`already prepared: ${built.record.id} (nothing changed)`);
    const transcript = join(repo.dir(), 'paste.txt');
    writeFileSync(
      transcript,
      sharedBastionRun(runs, repo, built, { KUBECTL_FAIL_ON: 'quote-priced' }),
    );
    expect((await ingest({ transcript, repo: repo.path })).status).toBe('failed');
    commitAll(repo.path, 'ingested');
    const { date } = (await status({ repo: repo.path })).environments[0]!.failed[0]!;
    expect(date).toMatch(/^\d{4}-\d\d-\d\d/);
    const failed = await runCli(['bundle', 'dev-topics', '--repo', repo.path, '--out', out]);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toContain(
      `already built: ${built.record.id} (failed ${date}, nothing changed)`,
    );
    expect(failed.stdout).not.toContain('already prepared');
    const json = await runCli([
      'bundle',
      'dev-topics',
      '--repo',
      repo.path,
      '--out',
      out,
      '--json',
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      alreadyPrepared: true,
      state: 'failed',
      stateDate: date,
    });
    // The library's result carries it too.
    const direct = await bundle({ spec: 'dev-topics', repo: repo.path, out });
    expect(direct.state).toEqual({ status: 'failed', date });
  });
});
