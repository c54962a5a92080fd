import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { init } from '../../src/commands/init/init.js';
import { fakeBastion, runBastionScript, stoppedClock } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import {
  commitAll,
  requireTool,
  runCli,
  saveTranscript as save,
  standinBin,
} from '../helpers/ops-repo.js';

// Prepare A, edit the topic, prepare B (notes/s9/note-r9.md A). Each paste runs on a stopped
// clock whole minutes apart, so which ran last never depends on the second a test runs in.
async function preparedAandB(repo: OpsRepo) {
  await init({ dir: repo.path });
  commitAll(repo.path, 'init');
  const a = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
  commitAll(repo.path, 'A');
  appendFileSync(join(repo.path, 'k8s/dev/topics/kafka-topic-quote-priced.yaml'), '# B\n');
  commitAll(repo.path, 'edit');
  const b = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
  commitAll(repo.path, 'B');
  return { a, b };
}

function minutesAgo(repo: OpsRepo, minutes: number): NodeJS.ProcessEnv {
  return {
    PATH: `${stoppedClock(repo, Math.floor(Date.now() / 1000) - minutes * 60)}:${standinBin(repo)}:${process.env.PATH}`,
  };
}

async function currentOf(repo: string): Promise<string[]> {
  const json = JSON.parse((await runCli(['status', '--json', '--repo', repo])).stdout) as {
    environments: Array<{ deployed: Array<{ bundleId: string; current: boolean }> }>;
  };
  return json.environments[0]!.deployed.filter((d) => d.current).map((d) => d.bundleId);
}

const state = (repo: string) =>
  readFileSync(join(repo, 'CURRENT-STATE.md'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('- deployed: '));

describe('an older bundle deployed after a newer one of its spec', () => {
  it('warns once and records the older bundle as the current deployment', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    const { a, b } = await preparedAandB(repo);
    const runB = runBastionScript(b, fakeBastion(repo, b, minutesAgo(repo, 2)));
    const ib = await ingest({ transcript: save(repo, runB.stdout, 'b.txt'), repo: repo.path });
    expect(ib.status).toBe('deployed');
    expect(ib.warnings.filter((w) => w.includes('deployed over'))).toEqual([]);
    commitAll(repo.path, 'ingested B');
    const runA = runBastionScript(a, fakeBastion(repo, a, minutesAgo(repo, 1)));
    const pasted = save(repo, runA.stdout, 'a.txt');
    const human = await runCli(['ingest', pasted, '--dry-run', '--repo', repo.path]);
    expect(human.stderr.replace(/\s+/g, ' ')).toContain(
      `${a.record.id} ran after ${b.record.id} was deployed: older content deployed over ${b.record.id}`,
    );
    const cli = await runCli(['ingest', pasted, '--json', '--repo', repo.path]);
    const ia = JSON.parse(cli.stdout) as { status: string; warnings: string[] };
    expect(ia.status).toBe('deployed');
    expect(ia.warnings.filter((w) => w.includes('deployed over'))).toEqual([
      expect.stringMatching(/prepare it again with `airgap bundle` first \(a rollback\)/),
    ]);
    // A's row goes after B's: status, CURRENT-STATE.md and drift take the last deployed row.
    const pending = readFileSync(join(repo.path, 'PENDING-CHANGES.md'), 'utf8');
    expect(pending.indexOf(`\`${a.record.id}\``)).toBeGreaterThan(
      pending.indexOf(`\`${b.record.id}\``),
    );
    expect(await currentOf(repo.path)).toEqual([a.record.id]);
    expect(state(repo.path)).toEqual([
      expect.stringMatching(new RegExp(`^- deployed: \`${b.record.id}\` .*; replaced since$`)),
      expect.stringMatching(new RegExp(`^- deployed: \`${a.record.id}\` [^;]*\\)$`)),
    ]);
    commitAll(repo.path, 'ingested A');
    // The warning's way back: B's content (still the checkout) prepared again is a rollback.
    const again = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    expect(again.record.id).toBe(b.record.id);
    expect(again.rollbackFrom).toBe(a.record.id);
  });

  it("an older bundle's earlier run ingested again leaves the newer current; pasted again, not", async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    const { a, b } = await preparedAandB(repo);
    const runA = runBastionScript(a, fakeBastion(repo, a, minutesAgo(repo, 3)));
    await ingest({ transcript: save(repo, runA.stdout, 'a.txt'), repo: repo.path });
    commitAll(repo.path, 'ingested A');
    const runB = runBastionScript(b, fakeBastion(repo, b, minutesAgo(repo, 2)));
    await ingest({ transcript: save(repo, runB.stdout, 'b.txt'), repo: repo.path });
    commitAll(repo.path, 'ingested B');
    // A's run began before B's: nothing was deployed over B.
    const again = await ingest({ transcript: save(repo, runA.stdout, 'a2.txt'), repo: repo.path });
    expect(again.status).toBe('deployed');
    expect(again.warnings.filter((w) => w.includes('deployed over'))).toEqual([]);
    expect(await currentOf(repo.path)).toEqual([b.record.id]);
    commitAll(repo.path, 'ingested A again');
    // Pasted again now: its latest run, not its first (the one recorded), went over B.
    const rerun = runBastionScript(a, fakeBastion(repo, a, minutesAgo(repo, 1)));
    const later = await ingest({ transcript: save(repo, rerun.stdout, 'a3.txt'), repo: repo.path });
    expect(later.warnings.filter((w) => w.includes(`deployed over ${b.record.id}`))).toHaveLength(
      1,
    );
    expect(await currentOf(repo.path)).toEqual([a.record.id]);
  });

  it('an older paste that ran between two runs of the newer bundle leaves the newer current', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    const { a, b } = await preparedAandB(repo);
    const first = runBastionScript(b, fakeBastion(repo, b, minutesAgo(repo, 3)));
    await ingest({ transcript: save(repo, first.stdout, 'b1.txt'), repo: repo.path });
    commitAll(repo.path, 'ingested B');
    const second = runBastionScript(b, fakeBastion(repo, b, minutesAgo(repo, 1)));
    await ingest({ transcript: save(repo, second.stdout, 'b2.txt'), repo: repo.path });
    commitAll(repo.path, 'ingested B again');
    // A ran between B's runs (ingested last): B's runbook records its first deployed run, and
    // its Runs table the later one, which is what runs there now.
    const runA = runBastionScript(a, fakeBastion(repo, a, minutesAgo(repo, 2)));
    const ia = await ingest({ transcript: save(repo, runA.stdout, 'a.txt'), repo: repo.path });
    expect(ia.status).toBe('deployed');
    expect(ia.warnings.filter((w) => w.includes('deployed over'))).toEqual([]);
    expect(await currentOf(repo.path)).toEqual([b.record.id]);
  });

  it('the newer bundle ingested after an older paste went over it is current again, without undo advice', async () => {
    if (!requireTool('script')) return;
    await using repo = await opsRepo();
    const { a, b } = await preparedAandB(repo);
    const first = runBastionScript(b, fakeBastion(repo, b, minutesAgo(repo, 4)));
    await ingest({ transcript: save(repo, first.stdout, 'b1.txt'), repo: repo.path });
    commitAll(repo.path, 'ingested B');
    // A ran between two runs of B, but B's second paste is ingested last.
    const runA = runBastionScript(a, fakeBastion(repo, a, minutesAgo(repo, 3)));
    const second = runBastionScript(b, fakeBastion(repo, b, minutesAgo(repo, 2)));
    const ia = await ingest({ transcript: save(repo, runA.stdout, 'a.txt'), repo: repo.path });
    expect(ia.warnings.filter((w) => w.includes(`deployed over ${b.record.id}`))).toHaveLength(1);
    commitAll(repo.path, 'ingested A');
    const ib = await ingest({ transcript: save(repo, second.stdout, 'b2.txt'), repo: repo.path });
    expect(ib.warnings.filter((w) => w.includes('deployed over'))).toEqual([
      `${b.record.id} ran again after ${a.record.id} (older content) was deployed over it: ${b.record.id} is recorded as the current deployment again`,
    ]);
    expect(await currentOf(repo.path)).toEqual([b.record.id]);
  });
});
