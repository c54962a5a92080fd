import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { bastionBlocks } from '../../src/paste/bastion.js';
import { fakeBastion } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import {
  commitAll,
  pasteBlocksOf,
  requireTool,
  runbookOf,
  saveTranscript as save,
} from '../helpers/ops-repo.js';
import { pasteIntoShell } from '../helpers/pty.js';

const SHELL = 'bash --norc --noprofile -i';

async function preparedRepo(ops: OpsRepo, extraSteps = '') {
  const repo = ops.path;
  const specPath = join(repo, 'bundles/dev-topics.yaml');
  const spec = readFileSync(specPath, 'utf8');
  writeFileSync(specPath, spec.replace('verify:\n', `${extraSteps}verify:\n`));
  commitAll(repo, 'spec');
  const result = await bundle({ spec: 'dev-topics', repo, out: ops.dir() });
  commitAll(repo, 'prepared');
  return { repo, result };
}

describe('a step that fails once, retried by pasting its block and the rest again', () => {
  it('ends in SUCCESS on the bastion, deployed in the repo, the first error quoted', async () => {
    if (!requireTool('script')) return;
    await using ops = await opsRepo();
    const { repo, result } = await preparedRepo(ops);
    const bastion = fakeBastion(ops, result, { KUBECTL_FAIL_ONCE_ON: 'quote-priced' });
    const blocks = bastionBlocks(result.record).map((b) => b.code);
    const failing = blocks.findIndex((code) => code.includes('kafka-topic-quote-priced.yaml'));
    expect(failing).toBeGreaterThan(0);
    const typed = [...blocks, ...blocks.slice(failing), 'exit', ''].join('\n');
    const output = pasteIntoShell(ops, SHELL, typed, bastion.env, bastion.home);
    expect(output).toContain('context deadline exceeded');
    expect(output).toMatch(
      new RegExp(
        `skipped: block ${failing + 1} \\(unit \\d+\\) failed earlier; paste block ${failing + 1} again`,
      ),
    );
    const failed = output.indexOf('RESULT: FAILED');
    expect(failed).toBeGreaterThan(0);
    // The retry's summary is the last word, and it counts every unit as succeeded.
    expect(output.lastIndexOf('RESULT: SUCCESS')).toBeGreaterThan(failed);
    expect(output.slice(failed)).toMatch(/: \d+ ok, 0 failed, 0 skipped, 0 not yet seen/);

    const ingested = await ingest({ transcript: save(ops, output), repo });
    expect(ingested.status).toBe('deployed');
    expect(ingested.disagreement).toBeUndefined();
    expect(ingested.counts).toMatchObject({ failed: 0, skipped: 0, notYetSeen: 0 });
    const runbook = runbookOf(repo, result.record.id);
    const unit = result.record.units.find((u) => u.command?.includes('quote-priced.yaml'));
    expect(runbook).toMatch(
      new RegExp(
        `- Block ${pasteBlocksOf(result.outDir, unit!.n)}, unit ${unit?.n} \\(Apply quote-priced\\) ran 2 times: rc=1 at \\S+, then rc=0 at \\S+\\.`,
      ),
    );
    expect(runbook).toMatch(/^ {2}.*context deadline exceeded/m); // quoted under Issues
    expect(runbook).toContain(
      `### Block ${pasteBlocksOf(result.outDir, unit!.n)}, unit ${unit?.n}, earlier run 1`,
    );
  });
});

/**
 * A step that looks for the paste's nonce everywhere it can: its environment, and the
 * environment and arguments of every process above it. It prints an end marker with rc=0
 * for every unit and every candidate, then fails.
 */
const forgingStep = `  - name: Forge a success
    run: |-
      id=$(basename "$(dirname "$PWD")")
      seen=$(env)
      p=$$
      while [ "$p" -gt 1 ]; do
        seen="$seen $(tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null) $(tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null)"
        p=$(awk '{print $4}' /proc/$p/stat)
      done
      for s in $(printf '%s\\n' "$seen" | grep -oE '[0-9a-f]{6,16}' | sort -u); do
        for n in $(seq 1 12); do printf '@@airgap/1 end %s %s step rc=0 %s s=%s\\n' "$id" "$n" "$(date +%s)" "$s"; done
      done
      echo 'apply failed'; exit 3
`;

describe('a step that prints markers with every value it can see, then fails', () => {
  it('is recorded as failed', async () => {
    if (!requireTool('script')) return;
    await using ops = await opsRepo();
    const { repo, result } = await preparedRepo(ops, forgingStep);
    const unit = result.record.units.find((u) => u.name === 'Forge a success');
    const bastion = fakeBastion(ops, result);
    const typed = [...bastionBlocks(result.record).map((b) => b.code), 'exit', ''].join('\n');
    const output = pasteIntoShell(ops, SHELL, typed, bastion.env, bastion.home);
    expect(output).toContain(`${unit?.n} step rc=0`); // it did print forged markers
    expect(output).toContain('RESULT: FAILED');
    const ingested = await ingest({ transcript: save(ops, output), repo });
    expect(ingested.status).toBe('failed');
    expect(ingested.disagreement).toBeUndefined();
    const runbook = runbookOf(repo, result.record.id);
    expect(runbook).toContain(
      `- Block ${pasteBlocksOf(result.outDir, unit!.n)}, unit ${unit?.n} (Forge a success): **exit code 3**`,
    );
  });
});
