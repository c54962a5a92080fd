import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../../scripts/lib/git.js';
import { type LoopOptions, type LoopResult, runAirgap, runLoop } from '../../scripts/lib/loop.js';
import { isHelperPayloadEcho } from '../../src/ingest/parse/helper-echo.js';
import { HelperEcho } from '../../src/ingest/parse/spool.js';
import { contextPattern, parseMarker } from '../../src/model/markers.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { kubectlClient } from '../helpers/kubectl-server.js';
import { exampleRepo, pasteBlocksOf, standins } from '../helpers/ops-repo.js';

/**
 * The demo's loop as a fixture: its local S3 closed and its work dir removed on dispose. Its
 * kubectl is the client of this worker's model server, not a Node start per call (6 calls a
 * loop); kubectl-standin.test.ts checks that both answer alike.
 */
async function loopFixture(options?: LoopOptions): Promise<LoopResult & AsyncDisposable> {
  const bin = mkdtempSync(join(tmpdir(), 'airgap-loop-kubectl-'));
  const kubectl = join(bin, 'kubectl');
  writeFileSync(kubectl, kubectlClient(standins), { mode: 0o755 });
  const loop = await runLoop({ ...options, kubectl }).catch(async (error: unknown) => {
    await rm(bin, { recursive: true, force: true });
    throw error;
  });
  return {
    ...loop,
    async [Symbol.asyncDispose]() {
      await loop.s3.close();
      await rm(loop.work, { recursive: true, force: true });
      await rm(bin, { recursive: true, force: true });
    },
  };
}

function snapshot(repo: string): string {
  git(repo, 'add', '-A', '-N', '.');
  const files = git(repo, 'ls-files').trim().split('\n');
  const hash = createHash('sha256');
  for (const f of files.sort()) hash.update(f).update(readFileSync(join(repo, f)));
  return hash.digest('hex');
}

describe('the whole loop: bundle, upload, paste on a terminal, ingest', () => {
  it('deploys, writes a complete runbook and updates the living docs', async () => {
    await using loop = await loopFixture();
    const { repo, record } = loop;
    const runbookName = readdirSync(join(repo, 'docs/RUNBOOKS')).find((f) =>
      f.endsWith(`-${record.id}.md`),
    )!;
    expect(runbookName).toMatch(/^\d{4}-\d\d-\d\d-dev-topics-[0-9a-f]{7}\.md$/);
    const runbook = readFileSync(join(repo, 'docs/RUNBOOKS', runbookName), 'utf8');

    // Every command the bundle ran is in the runbook, exactly.
    for (const unit of record.units.filter((u) => u.command))
      expect(runbook).toContain(unit.command!);
    // Every line of the (cleaned) bastion paste is in the runbook, except markers, the
    // context lines that became each command's metadata and the echo of the helper block.
    const echo = new HelperEcho(
      bastionBlocks(record)
        .filter((b) => b.title.startsWith('Load the airgap helpers'))
        .flatMap((b) => b.code.split('\n')),
    );
    const kept = readdirSync(join(repo, 'docs/RUNBOOKS/transcripts', record.id));
    expect(kept).toHaveLength(2);
    let checked = 0;
    for (const name of kept) {
      for (const line of readFileSync(
        join(repo, 'docs/RUNBOOKS/transcripts', record.id, name),
        'utf8',
      ).split('\n')) {
        if (!line || parseMarker(line) || contextPattern.test(line) || echo.matches(line)) continue;
        // The echoed helper payload is folded into one line (checked below).
        if (isHelperPayloadEcho(line)) continue;
        expect(runbook).toContain(line);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(runbook).toContain('echoed line(s) of the helper payload left out');
    expect(runbook).toContain('kafkatopic.kafka.strimzi.io/quote-requested created');
    expect(runbook).toMatch(/quote-requested\s+example-kafka-cluster-dev\s+1\s+1\s+True/);
    expect(runbook).toContain('**Deployed**');
    expect(runbook).toContain('## Verification');
    expect(runbook).toContain(`| Commit | \`${record.commit}\` |`);

    const pending = readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8');
    expect(pending.startsWith(readFileSync(join(exampleRepo, 'PENDING-CHANGES.md'), 'utf8'))).toBe(
      true,
    );
    expect(pending).toContain(`| \`${record.id}\` | dev | **deployed** |`);
    expect(pending).toContain(`[runbook](docs/RUNBOOKS/${runbookName})`);

    const manifest = readFileSync(join(repo, 'docs/ecr-manifest.md'), 'utf8');
    expect(
      manifest.startsWith(readFileSync(join(exampleRepo, 'docs/ecr-manifest.md'), 'utf8')),
    ).toBe(true);
    expect(manifest).toMatch(
      /\| edenhill\/kcat \| 1\.7\.1 \| sha256:[0-9a-f]{64} \| dev \| \d{4}-\d\d-\d\d \| CloudShell push \|/,
    );

    // Only the runbook, its transcripts and the two documents changed.
    git(repo, 'add', '-A', '-N', '.');
    const changed = git(repo, 'diff', '--name-only').trim().split('\n');
    expect(changed.filter((f) => !f.startsWith('docs/RUNBOOKS/')).sort()).toEqual([
      'PENDING-CHANGES.md',
      'docs/ecr-manifest.md',
    ]);

    // A second ingest of either paste changes no byte.
    const before = snapshot(repo);
    for (const transcript of [loop.bastionTranscript, loop.cloudshellTranscript]) {
      const again = await runAirgap(['ingest', transcript], repo);
      expect(again.code).toBe(0);
    }
    expect(snapshot(repo)).toBe(before);
    expect(loop.runs.every((r) => r.stderr === '')).toBe(true);
    // The whole loop: a minute on a loaded 2-core machine, so the default 60 s is no limit
    // for it.
  }, 180_000);

  it('marks the bundle failed and puts the failing output under Issues when a step fails', async () => {
    await using loop = await loopFixture({
      failOn: 'kafka-topic-quote-priced.yaml',
      realAws: false,
    });
    const runbookName = readdirSync(join(loop.repo, 'docs/RUNBOOKS')).find((f) =>
      f.endsWith(`-${loop.record.id}.md`),
    )!;
    const runbook = readFileSync(join(loop.repo, 'docs/RUNBOOKS', runbookName), 'utf8');
    expect(loop.awsUsed).toBe('SDK stand-in');
    const issues = runbook.slice(
      runbook.indexOf('## Issues encountered'),
      runbook.indexOf('## Other output'),
    );
    // Each named by its PASTE.md block, the number the bastion's skip line gives too.
    const [six, seven] = [6, 7].map((n) => pasteBlocksOf(loop.outDir, n));
    // The row names the failed step's block, which CURRENT-STATE.md's next step reads.
    expect(readFileSync(join(loop.repo, 'PENDING-CHANGES.md'), 'utf8')).toContain(
      `| \`${loop.record.id}\` | dev | **failed**, retry from block ${six} |`,
    );
    expect(issues).toContain(`Block ${six}, unit 6 (Apply quote-priced): **exit code 1**`);
    expect(issues).toContain(`Block ${seven}, unit 7 (Apply policy-issued): **skipped**`);
    expect(readFileSync(loop.bastionTranscript, 'utf8')).toContain(
      `skipped: block ${six} (unit 6) failed earlier; paste block ${six} again`,
    );
    const failing = runbook.slice(
      runbook.indexOf(`## Block ${six}, unit 6`),
      runbook.indexOf(`## Block ${seven}, unit 7`),
    );
    expect(failing).toContain('admission webhook "validation.strimzi.io" denied the request');
    expect(runbook).toContain('**Failed**');
  });
});
