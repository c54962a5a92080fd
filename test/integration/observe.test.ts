import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { init } from '../../src/commands/init/init.js';
import { status } from '../../src/commands/status/status.js';
import { findManagedBlock } from '../../src/docs/managed-block.js';
import { fakeBastion, runBastionScript, stoppedClock } from '../helpers/bastion.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, git, pasteBlocksOf, requireTool, runCli } from '../helpers/ops-repo.js';

const HUMAN = `# Environment details

Written by people: the DEV brokers answer on kafka-dev.internal:9092.\t(tab kept)

## dev

Owner: platform team. Keep this paragraph.

## prod

Not observed yet.
`;

const OBSERVE = `observe:
  - name: Kafka topics
    run: kubectl get kafkatopic -n kafka
  - name: Metrics server
    run: echo "metrics-server not installed"; exit 3
`;

/** dev-topics with observe: commands, optionally a step that fails first. */
function withObserve(repo: string, failingStep: boolean): void {
  const spec = join(repo, 'bundles/dev-topics.yaml');
  let text = readFileSync(spec, 'utf8').replace('images:\n', `${OBSERVE}images:\n`);
  if (failingStep)
    text = text.replace(
      'steps:\n',
      'steps:\n  - name: A step that fails\n    run: echo "webhook timed out" >&2; exit 1\n',
    );
  writeFileSync(spec, text);
}

describe('observe: units and docs/env-details.md', () => {
  it('a deployed bundle with observe: updates its environment block, keeps the human text, and a second ingest changes nothing', async () => {
    await using repo = await opsRepo();
    writeFileSync(join(repo.path, 'docs/env-details.md'), HUMAN);
    withObserve(repo.path, false);
    commitAll(repo.path, 'observe the topics');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    const units = result.record.units;
    expect(units.slice(-3).map((u) => u.kind)).toEqual(['summary', 'observe', 'observe']);
    if (requireTool('shellcheck')) {
      const files = ['bastion.sh', 'helpers.sh'].map((f) => join(result.outDir, f));
      const check = spawnSync('shellcheck', ['--severity=warning', ...files], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toBe('');
    }
    const paste = readFileSync(join(result.outDir, 'PASTE.md'), 'utf8');
    expect(paste).toContain('Observe the environment');
    commitAll(repo.path, 'prepared');

    const run = runBastionScript(result, fakeBastion(repo, result));
    // The observation that exits 3 does not fail the bundle.
    expect(run.output).toContain('RESULT: SUCCESS');
    expect(run.output).toContain('metrics-server not installed');
    const transcript = join(repo.dir(), 'bastion.txt');
    writeFileSync(transcript, run.output);

    const first = await ingest({ transcript, repo: repo.path });
    expect(first.status).toBe('deployed');
    expect(first.changed).toContain('docs/env-details.md');
    const doc = readFileSync(join(repo.path, 'docs/env-details.md'), 'utf8');
    const devAt = doc.indexOf('## dev');
    const prodAt = doc.indexOf('## prod');
    // Every byte people wrote is still there, in order, and the block sits in the dev section.
    expect(doc.slice(0, devAt)).toBe(HUMAN.slice(0, HUMAN.indexOf('## dev')));
    expect(doc.slice(prodAt)).toBe(HUMAN.slice(HUMAN.indexOf('## prod')));
    expect(doc).toContain(
      'Owner: platform team. Keep this paragraph.\n\n<!-- airgap:begin observed-dev',
    );
    const block = findManagedBlock(doc, 'observed-dev')!;
    expect(block.editedByHand).toBe(false);
    const text = block.lines.join('\n');
    expect(text).toContain('### Kafka topics');
    expect(text).toMatch(
      /`kubectl get kafkatopic -n kafka` · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · exit 0 · bundle `dev-topics-\w+`/,
    );
    expect(text).toContain('quote-requested');
    expect(text).toContain(`([runbook](${first.runbook.replace('docs/', '')}))`);
    expect(text).toMatch(/### Metrics server[\s\S]*exit 3[\s\S]*metrics-server not installed/);
    const runbook = readFileSync(join(repo.path, first.runbook), 'utf8');
    expect(runbook).toContain('## Observations');
    // Named by the PASTE.md block that runs it, as every unit is.
    const [metrics] = pasteBlocksOf(result.outDir, 13);
    expect(metrics).toBeDefined();
    expect(runbook).toContain(`### Block ${metrics}, unit 13: Metrics server`);
    // A failed observation is a line of the issues, not a failure of the bundle.
    expect(runbook).toContain(
      `- Observation in block ${metrics}, unit 13 (Metrics server): **exit code 3** (an observation: it does not change the outcome)`,
    );

    const env = (await status({ repo: repo.path })).environments.find(
      (e) => e.environment === 'dev',
    );
    expect(env?.observed?.bundle).toBe(result.record.id);
    expect(env?.observed?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const cli = await runCli(['status', '--repo', repo.path]);
    expect(cli.stdout).toMatch(
      new RegExp(
        `\\n  observed  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC  ${result.record.id}\\n`,
      ),
    );

    commitAll(repo.path, 'ingested');
    const again = await ingest({ transcript, repo: repo.path });
    expect(again.changed).toEqual([]);
    expect(git(repo.path, 'status', '--porcelain')).toBe('');
  }, 90_000);

  it('observe units run after a failed step and record the state it left; the newer observation replaces the older', async () => {
    await using repo = await opsRepo();
    withObserve(repo.path, false);
    commitAll(repo.path, 'observe');
    const good = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, 'prepared good');
    // The older session a minute before the newer one: both run within the same second here,
    // and observations are ordered by the bastion's clock (seconds), as real sessions are.
    const olderBastion = fakeBastion(repo, good);
    const clock = stoppedClock(repo, Math.floor(Date.now() / 1000) - 60);
    olderBastion.env = { ...olderBastion.env, PATH: `${clock}:${olderBastion.env.PATH}` };
    const goodRun = runBastionScript(good, olderBastion);
    const goodFile = join(repo.dir(), 'good.txt');
    writeFileSync(goodFile, goodRun.output);
    await ingest({ transcript: goodFile, repo: repo.path });
    commitAll(repo.path, 'ingested good');

    withObserve(specAsFirstCommitted(repo.path), true);
    commitAll(repo.path, 'a failing step');
    const bad = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, 'prepared bad');
    const badRun = runBastionScript(bad, fakeBastion(repo, bad));
    expect(badRun.output).toContain('RESULT: FAILED');
    const badFile = join(repo.dir(), 'bad.txt');
    writeFileSync(badFile, badRun.output);
    const ingested = await ingest({ transcript: badFile, repo: repo.path });
    expect(ingested.status).toBe('failed');
    const block = findManagedBlock(
      readFileSync(join(repo.path, 'docs/env-details.md'), 'utf8'),
      'observed-dev',
    )!;
    const text = block.lines.join('\n');
    // One entry per command, from the failed bundle: it ran after the failure.
    expect(text.match(/### Kafka topics/g)).toHaveLength(1);
    expect(text).toContain(`bundle \`${bad.record.id}\``);
    expect(text).not.toContain(`bundle \`${good.record.id}\``);
    const env = (await status({ repo: repo.path })).environments.find(
      (e) => e.environment === 'dev',
    );
    expect(env?.observed?.bundle).toBe(bad.record.id);

    // The older session ingested again does not bring its observations back.
    await ingest({ transcript: goodFile, repo: repo.path });
    const after = readFileSync(join(repo.path, 'docs/env-details.md'), 'utf8');
    expect(after).toContain(`bundle \`${bad.record.id}\``);
    expect(after).not.toContain(`bundle \`${good.record.id}\``);
  }, 120_000);

  it('init adds an empty block per environment of the specs, once', async () => {
    await using repo = await opsRepo();
    writeFileSync(join(repo.path, 'docs/env-details.md'), HUMAN);
    const first = await init({ dir: repo.path });
    expect(first.updated).toContain('docs/env-details.md');
    const doc = readFileSync(join(repo.path, 'docs/env-details.md'), 'utf8');
    expect(doc.startsWith(HUMAN.slice(0, HUMAN.indexOf('## prod')))).toBe(true);
    expect(findManagedBlock(doc, 'observed-dev')?.lines[0]).toContain('Observed on the bastion');
    const second = await init({ dir: repo.path });
    expect(second.updated).not.toContain('docs/env-details.md');
    expect(second.created).not.toContain('docs/env-details.md');
  });
});

/** The spec as the example repo has it, so the failing variant adds observe: once. */
function specAsFirstCommitted(repo: string): string {
  const first = git(repo, 'rev-list', '--max-parents=0', 'HEAD').trim();
  git(repo, 'checkout', first, '--', 'bundles/dev-topics.yaml');
  return repo;
}
