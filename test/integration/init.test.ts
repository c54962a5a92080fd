import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { EXAMPLE_SPEC, init } from '../../src/commands/init/init.js';
import { status } from '../../src/commands/status/status.js';
import { ExitCode } from '../../src/errors.js';
import { parseBundleSpec } from '../../src/model/spec.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { opsRepo, tempDir } from '../helpers/fixtures.js';
import { commitAll, exampleRepo, git, runCli } from '../helpers/ops-repo.js';

describe('airgap init', () => {
  it('sets up an empty repo and is idempotent', async () => {
    await using tmp = await tempDir();
    const repo = join(tmp.dir(), 'ops');
    mkdirSync(repo);
    git(repo, 'init', '-q');
    const first = await init({ dir: repo });
    expect(first.created.sort()).toEqual([
      '.gitignore',
      'CURRENT-STATE.md',
      'PENDING-CHANGES.md',
      'TRACKER.md',
      'bundles/example.yaml',
      'bundles/records/.gitkeep',
      'docs/RUNBOOKS/.gitkeep',
      'docs/ecr-manifest.md',
      'docs/env-details.md',
    ]);
    // The example spec's environment gets its block.
    expect(readFileSync(join(repo, 'docs/env-details.md'), 'utf8')).toContain(
      '## dev\n\n<!-- airgap:begin observed-dev',
    );
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toContain('.airgap/out/');
    expect(parseBundleSpec(EXAMPLE_SPEC, 'bundles/example.yaml').name).toBe('example');
    const second = await init({ dir: repo });
    expect(second.created).toEqual([]);
    expect(second.updated).toEqual([]);
  });

  it('appends to existing documents without touching their text', async () => {
    await using repo = await opsRepo();
    const result = await runCli(['init', repo.path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  updated   PENDING-CHANGES.md\n');
    for (const line of result.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    for (const file of [
      'PENDING-CHANGES.md',
      'docs/ecr-manifest.md',
      'TRACKER.md',
      'CURRENT-STATE.md',
    ]) {
      expect(
        readFileSync(join(repo.path, file), 'utf8').startsWith(
          readFileSync(join(exampleRepo, file), 'utf8'),
        ),
      ).toBe(true);
    }
    expect(readFileSync(join(repo.path, '.gitignore'), 'utf8')).toBe(
      readFileSync(join(exampleRepo, '.gitignore'), 'utf8'),
    );
    const again = await runCli(['init', repo.path]);
    expect(again.stdout).toContain('already set up');
    // A repo with specs of its own is not sent to edit the example.
    expect(again.stdout).toMatch(
      /\n {2}next {6}commit, then: airgap bundle <spec> \(\S.*dev-topics/,
    );
    expect(again.stdout).not.toContain('example.yaml');
  });
});

describe('session handoff after init', () => {
  it('ingest records the outcome in TRACKER.md and CURRENT-STATE.md, and status reports drift', async () => {
    await using repo = await opsRepo();
    await init({ dir: repo.path });
    commitAll(repo.path, 'airgap init');
    const built = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, 'prepared');
    const before = await status({ repo: repo.path });
    expect(before.attention).toContain(`dev: ${built.record.id} is prepared but not deployed`);
    expect(before.attention.some((a) => a.includes('edenhill/kcat:1.7.1'))).toBe(true);

    const run = runBastionScript(built, fakeBastion(repo, built));
    const transcript = join(repo.dir(), 'out.txt');
    execFileSync('bash', ['-c', `cat > ${JSON.stringify(transcript)}`], { input: run.stdout });
    await ingest({ transcript, repo: repo.path });
    const tracker = readFileSync(join(repo.path, 'TRACKER.md'), 'utf8');
    expect(tracker).toMatch(
      new RegExp(
        `\\| \`${built.record.id}\` \\| dev \\| deployed \\| \\d{4}-\\d\\d-\\d\\d \\| \\[runbook\\]\\(docs/RUNBOOKS/`,
      ),
    );
    const state = readFileSync(join(repo.path, 'CURRENT-STATE.md'), 'utf8');
    expect(state).toContain(`- deployed: \`${built.record.id}\``);
    expect(state.startsWith(readFileSync(join(exampleRepo, 'CURRENT-STATE.md'), 'utf8'))).toBe(
      true,
    );
    commitAll(repo.path, 'deployed');

    const path = join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml');
    execFileSync('bash', ['-c', `sed -i 's/partitions: 1/partitions: 3/' ${JSON.stringify(path)}`]);
    commitAll(repo.path, 'more partitions');
    const after = await status({ repo: repo.path });
    expect(after.environments[0]?.drift).toEqual([
      {
        spec: 'dev-topics',
        since: built.record.id,
        files: ['k8s/dev/topics/kafka-topic-quote-priced.yaml'],
      },
    ]);
    const check = await runCli(['status', '--check', '--repo', repo.path]);
    expect(check.code).toBe(ExitCode.attention);
    expect(check.stderr).toContain('changed since');
  });
});
