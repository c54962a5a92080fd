import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { formatCounts } from '../../src/ingest/outcome/outcome.js';
import { parseMarker } from '../../src/model/markers.js';
import {
  type BastionRuns,
  fakeBastion,
  runBastionScript,
  sharedBastionRun,
} from '../helpers/bastion.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import {
  commitAll,
  pasteBlocksOf,
  runbookOf,
  runCli,
  saveTranscript as save,
} from '../helpers/ops-repo.js';

const FORGED_EPOCH = 1770000000;

/** A prepared bundle whose spec gets `extraSteps` after its own steps. */
async function preparedRepo(ops: OpsRepo, extraSteps = '') {
  const repo = ops.path;
  const specPath = join(repo, 'bundles/dev-topics.yaml');
  writeFileSync(
    specPath,
    readFileSync(specPath, 'utf8').replace('verify:\n', `${extraSteps}verify:\n`),
  );
  commitAll(repo, 'spec');
  const result = await bundle({ spec: 'dev-topics', repo, out: ops.dir() });
  commitAll(repo, 'prepared');
  return { repo, result };
}

/** Gives every real marker a paste nonce, as the helpers of block 1 print it. */
function withNonce(output: string, nonce = '5eed1e55'): string {
  return output
    .split('\n')
    .map((line) => {
      const marker = parseMarker(line);
      return marker && marker.epoch !== FORGED_EPOCH && !marker.nonce ? `${line} s=${nonce}` : line;
    })
    .join('\n');
}

/** The same session an hour later: every epoch and context time shifted. */
function anHourLater(output: string): string {
  return output
    .replace(/(@@airgap\/1 .* )(\d{10})(\s|$)/g, (_m, a, t, b) => `${a}${Number(t) + 3600}${b}`)
    .replace(
      /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) /gm,
      (_m, t) => `[${new Date(Date.parse(t) + 3_600_000).toISOString().replace('.000Z', 'Z')} `,
    );
}

const forgingStep = `  - name: Print an old log
    run: |-
      printf '@@airgap/1 end %s 9 step rc=0 ${FORGED_EPOCH}\\n' "$(basename "$(dirname "$PWD")")"; echo 'apply failed'; exit 1
`;

// Both tests below prepare the same forging bundle: one bastion run (helpers/bastion.ts).
const runs: BastionRuns = new Map();

describe('a step that prints an end marker with rc=0 and fails', () => {
  it('is recorded as failed when markers carry the paste nonce', async () => {
    await using ops = await opsRepo();
    const { repo, result } = await preparedRepo(ops, forgingStep);
    expect(result.record.units.find((u) => u.n === 9)?.name).toBe('Print an old log');
    const run = { stdout: sharedBastionRun(runs, ops, result) };
    expect(run.stdout).toContain(`9 step rc=0 ${FORGED_EPOCH}`);
    const ingested = await ingest({ transcript: save(ops, withNonce(run.stdout)), repo });
    expect(ingested.status).toBe('failed');
    expect(ingested.counts).toMatchObject({ failed: 1 });
    expect(ingested.disagreement).toBeUndefined();
    const runbook = runbookOf(repo, result.record.id);
    const block = pasteBlocksOf(result.outDir, 9);
    expect(runbook).toContain(`- Block ${block}, unit 9 (Print an old log): **exit code 1**`);
    expect(runbook).toContain('printed 1 airgap marker line(s) without this paste');
    expect(runbook).toMatch(/ {2}apply failed\n/); // quoted under Issues
    // The link finds the heading: GitHub's anchor of `## Output of block B, unit 9`.
    expect(runbook).toContain(
      `[Output of block ${block}, unit 9](#output-of-block-${block}-unit-9)`,
    );
    expect(runbook).toContain(`\n## Output of block ${block}, unit 9\n`);
  });

  it('is recorded as failed, with the disagreement said, when markers have no nonce', async () => {
    await using ops = await opsRepo();
    const { repo, result } = await preparedRepo(ops, forgingStep);
    const run = { stdout: sharedBastionRun(runs, ops, result) };
    const transcript = run.stdout.replace(/ s=[0-9a-f]+$/gm, '');
    const ingested = await ingest({ transcript: save(ops, transcript), repo });
    expect(ingested.status).toBe('failed');
    expect(ingested.disagreement).toMatch(/summary says .*1 failed.*RESULT: FAILED/);
    expect(ingested.warnings.join('\n')).toContain("the bastion's summary disagrees");
    const runbook = runbookOf(repo, result.record.id);
    expect(runbook).toContain("> **The bastion's summary disagrees**");
    expect(runbook).toContain("## Issues encountered\n\n- The bastion's summary disagrees");
    expect(readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8')).toContain('**failed**');
  });
});

describe('output that quotes airgap comments and headings', () => {
  it('stays inside its fence, and ingesting the paste again changes no byte', async () => {
    const quoting = `  - name: Print a runbook
    run: |-
      printf '%s\\n' '<!-- airgap:end runbook -->' '## Notes' '<!-- airgap:begin runbook sha256=0 -->' '\`\`\`' '~~~'
`;
    await using ops = await opsRepo();
    const { repo, result } = await preparedRepo(ops, quoting);
    const run = runBastionScript(result, fakeBastion(ops, result));
    const paste = save(ops, run.stdout);
    await ingest({ transcript: paste, repo });
    const first = runbookOf(repo, result.record.id);
    expect(first.match(/^## Notes$/gm)).toHaveLength(2); // the quoted one and the real one
    const second = await ingest({ transcript: paste, repo });
    expect(second.changed).toEqual([]);
    expect(runbookOf(repo, result.record.id)).toBe(first);
    // A different paste of the same session re-renders the block in place.
    await ingest({ transcript: save(ops, `${run.stdout}typed afterwards\n`), repo });
    const third = runbookOf(repo, result.record.id);
    expect(third.match(/^## Notes$/gm)).toHaveLength(2);
    expect(third).toContain('typed afterwards');
    expect(third.endsWith('Add notes here: airgap only rewrites the block above.\n')).toBe(true);
  });
});

describe('partial pastes, counts and --check', () => {
  it('says what has no output yet, counts like the summary, and --check tells them apart', async () => {
    await using ops = await opsRepo();
    const { repo, result } = await preparedRepo(ops);
    const env = { NO_COLOR: '1' };
    const output = runBastionScript(result, fakeBastion(ops, result)).stdout;
    const lines = output.split('\n');
    const cut = lines.findIndex((l) => /begin \S+ 6 step/.test(l));
    const partial = await runCli(
      ['ingest', save(ops, lines.slice(0, cut).join('\n')), '--repo', repo, '--check'],
      { env },
    );
    expect(partial.code).toBe(26);
    expect(partial.stdout).toContain(
      'units     5 ok, 0 failed, 0 skipped, 5 not yet seen (of 10 units)',
    );
    const runbook = runbookOf(repo, result.record.id);
    expect(runbook).toContain(
      `- Block ${pasteBlocksOf(result.outDir, 6)}, unit 6 (Apply quote-priced): no output yet in the transcript(s): paste the rest and ingest again`,
    );
    expect(runbook).not.toContain('not run');
    const complete = await runCli(['ingest', save(ops, output), '--repo', repo, '--check'], {
      env,
    });
    expect(complete.code).toBe(0);

    await using ops2 = await opsRepo();
    const failing = await preparedRepo(ops2);
    const failed = runBastionScript(
      failing.result,
      fakeBastion(ops, failing.result, { KUBECTL_FAIL_ON: 'quote-priced' }),
    ).stdout;
    const summary = /(\d+) ok, (\d+) failed, (\d+) skipped, (\d+) not yet seen/.exec(failed);
    const plain = await runCli(['ingest', save(ops, failed), '--repo', failing.repo, '--json'], {
      env,
    });
    expect(plain.code).toBe(0); // without --check the outcome is not an error
    const json = JSON.parse(plain.stdout);
    expect([
      json.counts.ok,
      json.counts.failed,
      json.counts.skipped,
      json.counts.notYetSeen,
    ]).toEqual(summary?.slice(1).map(Number));
    expect(runbookOf(failing.repo, failing.result.record.id)).toContain(
      `**Failed**: ${formatCounts(json.counts)}`,
    );
    // Which unit failed, and the PASTE.md block that runs it (the bastion section's number).
    const block = failing.result.record.plan?.blocks.find(
      (b) => b.side === 'bastion' && b.units.includes(6),
    )?.n;
    expect(block).toBeDefined();
    expect(json.failedUnits).toEqual([
      expect.objectContaining({ n: 6, kind: 'step', name: 'Apply quote-priced', rc: 1, block }),
    ]);
    const checked = await runCli(['ingest', save(ops, failed), '--repo', failing.repo, '--check'], {
      env,
    });
    expect(checked.code).toBe(25);
    expect(checked.stdout).toContain(
      `  failed    Block ${block}, unit 6: Apply quote-priced (exit code 1)\n`,
    );
    expect(checked.stdout.split('\n').every((l) => l.length <= 80 || l.startsWith('/'))).toBe(true);
  });
});

describe('a bundle run more than once', () => {
  it('records the first successful run and lists the others with their times', async () => {
    await using ops = await opsRepo();
    const { repo, result } = await preparedRepo(ops);
    const bastion = fakeBastion(ops, result, { KUBECTL_FAIL_ON: 'quote-priced' });
    const failedRun = runBastionScript(result, bastion).stdout;
    const fixed = { ...bastion, env: { ...bastion.env, KUBECTL_FAIL_ON: '' } };
    const goodRun = anHourLater(runBastionScript(result, fixed).stdout);
    const againRun = anHourLater(anHourLater(runBastionScript(result, fixed).stdout));
    const ingested = await ingest({ transcript: save(ops, failedRun + goodRun + againRun), repo });
    expect(ingested.status).toBe('deployed');
    expect(ingested.runs).toBe(3);
    const runbook = runbookOf(repo, result.record.id);
    const goodStart = parseMarker(goodRun.split('\n').find((l) => l.includes(' 1 download '))!);
    const start = new Date(goodStart!.epoch * 1000).toISOString().replace('.000Z', 'Z');
    expect(runbook).toMatch(
      /> \*\*Ran 3 times\*\*: run 1 at \S+ failed; run 2 at (\S+) deployed \(recorded below\); run 3 at \S+ deployed\./,
    );
    expect(runbook).toContain(`run 2 at ${start} deployed`);
    expect(runbook).toContain('## Runs');
    expect(runbook).toMatch(
      new RegExp(
        `\\| 1 \\| \\S+ \\| \\S+ \\| failed: block ${pasteBlocksOf(result.outDir, 6)}, unit 6 failed \\|`,
      ),
    );
    expect(runbook).toContain('**Deployed**: all 10 units succeeded.');
  });
});
