import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BundleOptions, bundle } from '../../src/commands/bundle/bundle.js';
import { discard } from '../../src/commands/discard/discard.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { init } from '../../src/commands/init/init.js';
import { status } from '../../src/commands/status/status.js';
import { readPendingEntries } from '../../src/docs/pending-changes.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { fakeBastion, runBastionScript, stoppedClock } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import {
  commitAll,
  git,
  requireTool,
  runCli,
  saveTranscript as save,
  standinBin,
} from '../helpers/ops-repo.js';
import { pasteIntoShell } from '../helpers/pty.js';

const TOPIC = 'k8s/dev/topics/kafka-topic-quote-priced.yaml';
const options = (repo: OpsRepo): BundleOptions => ({
  spec: 'dev-topics',
  repo: repo.path,
  out: repo.dir(),
});

/** A repo with airgap's handoff blocks and kcat recorded in ECR, so --check can pass. */
async function initedRepo(): Promise<OpsRepo> {
  const repo = await opsRepo();
  await init({ dir: repo.path });
  appendFileSync(
    join(repo.path, 'docs/ecr-manifest.md'),
    '\n| Repository | Tag | Environment | Pushed |\n|---|---|---|---|\n| edenhill/kcat | 1.7.1 | dev | 2026-02-14 |\n',
  );
  commitAll(repo.path, 'airgap init; kcat is in ECR');
  return repo;
}

/** The same session two days earlier: every marker epoch and context time shifted. */
function twoDaysEarlier(output: string): string {
  const shift = 2 * 86_400;
  return output
    .replace(
      /(@@airgap\/1 .* )(\d{10})( s=\S+)?$/gm,
      (_m, a, t, n) => `${a}${Number(t) - shift}${n ?? ''}`,
    )
    .replace(
      /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) /gm,
      (_m, t) => `[${new Date(Date.parse(t) - shift * 1000).toISOString().replace('.000Z', 'Z')} `,
    );
}

/** Bundles what is committed, runs its bastion.sh and ingests the output. */
async function deploy(ops: OpsRepo, env: NodeJS.ProcessEnv = {}) {
  const repo = ops.path;
  const result = await bundle(options(ops));
  commitAll(repo, `prepared ${result.record.id}`);
  const run = runBastionScript(result, fakeBastion(ops, result, env));
  const ingested = await ingest({ transcript: save(ops, run.stdout), repo });
  commitAll(repo, `ingested ${result.record.id}`);
  return { id: result.record.id, status: ingested.status, output: run.stdout };
}

/** `airgap status`'s deployed lines (each within 80 columns) and its --json deployed rows. */
async function deployedRows(repo: string) {
  const human = (await runCli(['status', '--repo', repo])).stdout
    .split('\n')
    .filter((line) => line.startsWith('  deployed'));
  expect(human.every((line) => line.length <= 80)).toBe(true);
  const json = JSON.parse((await runCli(['status', '--json', '--repo', repo])).stdout) as {
    environments: Array<{ deployed: Array<{ bundleId: string; spec: string; current: boolean }> }>;
  };
  return {
    human,
    json: json.environments[0]!.deployed.map(({ bundleId, spec, current }) => ({
      bundleId,
      spec,
      current,
    })),
  };
}

function editTopic(repo: string, comment: string) {
  appendFileSync(join(repo, TOPIC), `# ${comment}\n`);
  commitAll(repo, comment);
}

describe('deploy A, deploy B, revert the repo to A', () => {
  it('prepares A again as a rollback; pasted and ingested, A is current and --check passes', async () => {
    if (!requireTool('script')) return;
    await using repo = await initedRepo();
    // Pasted minutes apart, as real sessions are: a rollback prepared in the same second as A's
    // first run would take that run for its own (a run counts from the second it was prepared).
    const minutesAgo = (minutes: number): NodeJS.ProcessEnv => ({
      PATH: `${stoppedClock(repo, Math.floor(Date.now() / 1000) - minutes * 60)}:${standinBin(repo)}:${process.env.PATH}`,
    });
    const a = await deploy(repo, minutesAgo(2));
    expect(a.status).toBe('deployed');
    const base = git(repo.path, 'rev-parse', 'HEAD').trim();
    editTopic(repo.path, 'B');
    const b = await deploy(repo, minutesAgo(1));
    expect(b.status).toBe('deployed');
    // Two deployed rows of one spec: status marks the one that runs there now (n8b 7).
    expect(await deployedRows(repo.path)).toEqual({
      human: [
        expect.stringMatching(new RegExp(`^  deployed  ${a.id}  \\S+$`)),
        expect.stringMatching(new RegExp(`^  deployed  ${b.id}  \\S+  current$`)),
      ],
      json: [
        { bundleId: a.id, spec: 'dev-topics', current: false },
        { bundleId: b.id, spec: 'dev-topics', current: true },
      ],
    });
    git(repo.path, 'revert', '--no-edit', 'HEAD~2'); // the topic edit of B
    commitAll(repo.path, 'reverted to A');
    expect(git(repo.path, 'diff', '--name-only', base, 'HEAD', '--', 'k8s')).toBe('');

    const cli = await runCli(['bundle', 'dev-topics', '--repo', repo.path, '--out', repo.dir()]);
    expect(cli.stdout).toContain(`prepared again: ${a.id}, a rollback from ${b.id}`);
    const again = await bundle(options(repo));
    expect(again.record.id).toBe(a.id);
    expect(again.rollbackFrom).toBe(b.id);
    const pending = readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8');
    expect(pending).toMatch(
      new RegExp(`\`${a.id}\` \\| dev \\| \\*\\*prepared\\*\\*, rollback from \`${b.id}\``),
    );
    // The rollback row is last: it was prepared after B.
    expect(pending.lastIndexOf(a.id)).toBeGreaterThan(pending.lastIndexOf(b.id));
    // Its Date cell is a day, as every row's; the second it was prepared is a Status note.
    expect(pending).toMatch(
      new RegExp(
        `\\| \\*\\*prepared\\*\\*, rollback from \`${b.id}\`, prepared again \\d\\d:\\d\\d:\\d\\dZ \\| \`[0-9a-f]{12}\` \\| \\d{4}-\\d\\d-\\d\\d \\|`,
      ),
    );
    commitAll(repo.path, 'rollback prepared');

    // A's first deployment, as if pasted two days ago, ingested again: not the rollback's run.
    const old = await ingest({ transcript: save(repo, twoDaysEarlier(a.output)), repo: repo.path });
    expect(old.warnings.join('\n')).toContain('no run since the rollback was prepared');
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8')).toContain(
      `**prepared**, rollback from \`${b.id}\``,
    );
    commitAll(repo.path, 'an older paste of A');

    const bastion = fakeBastion(repo, again);
    const typed = [...bastionBlocks(again.record).map((x) => x.code), 'exit', ''].join('\n');
    const output = pasteIntoShell(
      repo,
      'bash --norc --noprofile -i',
      typed,
      bastion.env,
      bastion.home,
    );
    expect(output).toContain('RESULT: SUCCESS');
    const ingested = await ingest({ transcript: save(repo, output), repo: repo.path });
    expect(ingested.status).toBe('deployed');
    commitAll(repo.path, 'rollback ingested');

    const result = await status({ repo: repo.path });
    const dev = result.environments.find((e) => e.environment === 'dev')!;
    expect(dev.drift).toEqual([]);
    // The rollback is current now (its row moved last), as CURRENT-STATE.md says.
    expect(await deployedRows(repo.path)).toEqual({
      human: [
        expect.stringMatching(new RegExp(`^  deployed  ${b.id}  \\S+$`)),
        expect.stringMatching(new RegExp(`^  deployed  ${a.id}  \\S+  current$`)),
      ],
      json: [
        { bundleId: b.id, spec: 'dev-topics', current: false },
        { bundleId: a.id, spec: 'dev-topics', current: true },
      ],
    });
    const deployedLines = readFileSync(join(repo.path, 'CURRENT-STATE.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('- deployed: '));
    expect(deployedLines.map((line) => line.endsWith('; replaced since'))).toEqual([true, false]);
    expect(deployedLines[1]).toContain(a.id);
    expect(result.attention).toEqual([]);
    expect((await runCli(['status', '--check', '--repo', repo.path])).code).toBe(0);
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8')).toContain(
      `**deployed**, rollback from \`${b.id}\` |`,
    );
    // TRACKER.md read top to bottom ends with the rollback's deployment (n9 2), every date a day.
    const tracker = readFileSync(join(repo.path, 'TRACKER.md'), 'utf8')
      .split('\n')
      .filter((line) => /^\| `dev-topics-/.test(line))
      .map((line) => line.split(' | ').slice(0, 4));
    expect(tracker).toEqual([
      [`| \`${a.id}\``, 'dev', 'deployed', expect.stringMatching(/^\d{4}-\d\d-\d\d$/)],
      [`| \`${b.id}\``, 'dev', 'deployed', expect.stringMatching(/^\d{4}-\d\d-\d\d$/)],
      [
        `| \`${a.id}\``,
        'dev',
        `deployed, rollback from \`${b.id}\``,
        expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      ],
    ]);
    expect(
      (await deployedRows(repo.path)).human.every((l) => / \d{4}-\d\d-\d\d( |$)/.test(l)),
    ).toBe(true);
    const runbooks = readdirSync(join(repo.path, 'docs/RUNBOOKS'));
    const runbook = readFileSync(
      join(repo.path, 'docs/RUNBOOKS', runbooks.find((f) => f.endsWith(`-${a.id}.md`))!),
      'utf8',
    );
    expect(runbook).toContain(`**Rollback**: this content was prepared again to undo \`${b.id}\``);
  });
});

describe('a fix that supersedes a failure', () => {
  it('leaves no next step for the superseded bundles in CURRENT-STATE.md or PENDING-CHANGES.md', async () => {
    await using repo = await initedRepo();
    const failed = await deploy(repo, { KUBECTL_FAIL_ON: 'kafka-topic-quote-priced.yaml' });
    expect(failed.status).toBe('failed');
    editTopic(repo.path, 'a fix, never deployed');
    const abandoned = await bundle(options(repo));
    commitAll(repo.path, 'prepared a fix');
    editTopic(repo.path, 'the real fix');
    const fixed = await deploy(repo);
    expect(fixed.status).toBe('deployed');

    const pending = readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8');
    expect(pending).toContain(`**failed**, *superseded by \`${fixed.id}\`*`);
    expect(pending).toContain(`**prepared**, *superseded by \`${fixed.id}\`*`);
    const state = readFileSync(join(repo.path, 'CURRENT-STATE.md'), 'utf8');
    for (const old of [failed.id, abandoned.record.id]) {
      const lines = state.split('\n').filter((l) => l.includes(old));
      expect(lines).toEqual([
        `- superseded: \`${old}\` (${old === failed.id ? 'failed' : 'prepared'}) by \`${fixed.id}\`; nothing to do`,
      ]);
    }
    // The block airgap maintains gives no next step at all: only the fix is left, deployed.
    const block = state.slice(state.indexOf('## Deployments (maintained by airgap)'));
    expect(block).toContain(`- deployed: \`${fixed.id}\``);
    expect(block).not.toContain('next:');
  });
});

describe('output of a discarded bundle ingested later', () => {
  it('warns and records it as run after discard', async () => {
    await using repo = await initedRepo();
    const result = await bundle(options(repo));
    commitAll(repo.path, 'prepared');
    await discard({ bundleId: result.record.id, reason: 'superseded by hand', repo: repo.path });
    commitAll(repo.path, 'discarded');
    const run = runBastionScript(result, fakeBastion(repo, result));
    const ingested = await ingest({ transcript: save(repo, run.stdout), repo: repo.path });
    expect(ingested.status).toBe('deployed');
    expect(ingested.warnings.join('\n')).toContain(
      `${result.record.id} was discarded (superseded by hand), but this output shows it ran: recorded as deployed, run after discard`,
    );
    expect(readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8')).toContain(
      '**deployed**, run after discard',
    );
  });
});

describe('deploy A, deploy B, roll back to A, then bundle B again', () => {
  it('says the redeploy undoes the rollback to A, in bundle, PENDING, CURRENT-STATE, TRACKER and the runbook (n9b 5)', async () => {
    await using repo = await initedRepo();
    // Stopped clocks minutes apart, in the order deployed; the rollback's and the redeploy's
    // runs 10 and 20 minutes ahead, well after the second each was prepared again (a rollback
    // counts runs from then), however slow the machine.
    const at = (minutes: number): NodeJS.ProcessEnv => ({
      PATH: `${stoppedClock(repo, Math.floor(Date.now() / 1000) + minutes * 60)}:${standinBin(repo)}:${process.env.PATH}`,
    });
    const topic = (text: string, message: string) => {
      writeFileSync(join(repo.path, TOPIC), text);
      commitAll(repo.path, message);
    };
    const contentA = readFileSync(join(repo.path, TOPIC), 'utf8');
    const a = await deploy(repo, at(-3));
    topic(`${contentA}# B\n`, 'B');
    const b = await deploy(repo, at(-2));
    topic(contentA, 'back to A');
    const back = await deploy(repo, at(10));
    expect([back.id, back.status]).toEqual([a.id, 'deployed']);
    topic(`${contentA}# B\n`, 'B again');

    const cli = await runCli(['bundle', 'dev-topics', '--repo', repo.path, '--out', repo.dir()]);
    expect(cli.stdout).toContain(`prepared again: ${b.id}, undoing the rollback to ${a.id}`);
    const read = (file: string) => readFileSync(join(repo.path, file), 'utf8');
    expect(read('PENDING-CHANGES.md')).toContain(
      `**prepared**, undoing the rollback to \`${a.id}\`, prepared again `,
    );
    commitAll(repo.path, 'redeploy of B prepared');

    const forward = await deploy(repo, at(20));
    expect([forward.id, forward.status]).toEqual([b.id, 'deployed']);
    const all = [read('PENDING-CHANGES.md'), read('CURRENT-STATE.md'), read('TRACKER.md')].join();
    expect(all).not.toContain(`rollback from \`${a.id}\``);
    expect(read('PENDING-CHANGES.md')).toContain(
      `**deployed**, undoing the rollback to \`${a.id}\` |`,
    );
    expect(read('CURRENT-STATE.md')).toMatch(
      new RegExp(`- deployed: \`${b.id}\` on .*, undoing the rollback to \`${a.id}\`\n`),
    );
    const tracker = read('TRACKER.md')
      .split('\n')
      .filter((line) => /^\| `dev-topics-/.test(line))
      .map((line) => line.split(' | ').slice(0, 3).join(' | '));
    expect(tracker).toEqual([
      `| \`${a.id}\` | dev | deployed`,
      `| \`${b.id}\` | dev | deployed`,
      `| \`${a.id}\` | dev | deployed, rollback from \`${b.id}\``,
      `| \`${b.id}\` | dev | deployed, undoing the rollback to \`${a.id}\``,
    ]);
    expect((await deployedRows(repo.path)).json.find((r) => r.current)?.bundleId).toBe(b.id);
    const runbook = readdirSync(join(repo.path, 'docs/RUNBOOKS')).find((f) =>
      f.endsWith(`-${b.id}.md`),
    )!;
    expect(read(join('docs/RUNBOOKS', runbook))).toContain(
      `**Redeploy**: this content was prepared again to undo the rollback to \`${a.id}\`; run 2 is the redeploy, recorded below.`,
    );
  });
});

describe('a rollback whose `prepared again` time was edited by hand into one ingest cannot read', () => {
  it('warns, naming PENDING-CHANGES.md and the row, and keeps the text (r9b 4)', async () => {
    await using repo = await initedRepo();
    const at = (minutes: number): NodeJS.ProcessEnv => ({
      PATH: `${stoppedClock(repo, Math.floor(Date.now() / 1000) + minutes * 60)}:${standinBin(repo)}:${process.env.PATH}`,
    });
    const contentA = readFileSync(join(repo.path, TOPIC), 'utf8');
    const a = await deploy(repo, at(-3));
    editTopic(repo.path, 'B');
    await deploy(repo, at(-2));
    writeFileSync(join(repo.path, TOPIC), contentA);
    commitAll(repo.path, 'back to A');
    const again = await bundle(options(repo));
    expect(again.record.id).toBe(a.id);
    const file = join(repo.path, 'PENDING-CHANGES.md');
    const edited = readFileSync(file, 'utf8').replace(
      /prepared again \d\d:\d\d:\d\dZ/,
      'prepared again 4:41:36Z',
    );
    expect(edited).toContain('prepared again 4:41:36Z');
    writeFileSync(file, edited);
    commitAll(repo.path, 'rollback prepared, its time edited by hand');

    const run = runBastionScript(again, fakeBastion(repo, again, at(10)));
    const ingested = await ingest({ transcript: save(repo, run.stdout), repo: repo.path });
    expect(ingested.status).toBe('deployed');
    expect(ingested.warnings.filter((w) => w.startsWith('PENDING-CHANGES.md: row'))).toEqual([
      `PENDING-CHANGES.md: row \`${a.id}\`: "prepared again 4:41:36Z" is not read (write \`prepared again HH:MM:SSZ\`, UTC); kept as written, the rollback's runs count from the start of ${readPendingEntries(edited).find((e) => e.bundleId === a.id)?.date}`,
    ]);
    expect(readFileSync(file, 'utf8')).toMatch(
      new RegExp(
        `\`${a.id}\` \\| dev \\| \\*\\*deployed\\*\\*, rollback from .*, prepared again 4:41:36Z \\|`,
      ),
    );
  });
});
