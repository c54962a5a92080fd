import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { unwrapped } from '../helpers/errors.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, runCli, saveTranscript as save } from '../helpers/ops-repo.js';

// The runbook block's marker says "edits are kept": a line a person wrote inside it survives
// the next ingest (the same paste again, or a build that renders the block differently).
it('keeps a line written by hand inside the runbook block, below it, and says so', async () => {
  await using ops = await opsRepo();
  const repo = ops.path;
  const result = await bundle({ spec: 'dev-topics', repo, out: ops.dir() });
  commitAll(repo, 'prepared');
  const transcript = save(ops, runBastionScript(result, fakeBastion(ops, result)).stdout);
  const first = await runCli(['ingest', transcript, '--repo', repo]);
  expect(first.code, first.stderr).toBe(0);
  const rel = JSON.parse(
    (await runCli(['ingest', transcript, '--repo', repo, '--dry-run', '--json'])).stdout,
  ).runbook as string;
  const path = join(repo, rel);
  const note = 'Checked by hand in the console: all three topics Ready.';
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf('## Verification');
  writeFileSync(path, `${text.slice(0, at)}${note}\n\n${text.slice(at)}`);
  commitAll(repo, 'ingested, then a note');

  const again = await runCli(['ingest', transcript, '--repo', repo]);
  expect(again.code, again.stderr).toBe(0);
  expect(unwrapped(again.stderr)).toContain(
    `warning: ${rel}: its airgap block was edited by hand; 1 line(s) of it that this ingest does not write are kept below the block`,
  );
  const after = readFileSync(path, 'utf8');
  const end = after.indexOf('<!-- airgap:end runbook -->');
  expect(after.indexOf(note)).toBeGreaterThan(end);
  expect(after.slice(end)).toContain(`## Kept from a hand edit of the block above\n\n${note}\n`);
  expect(after).toContain('## Notes');
  commitAll(repo, 'ingested again');
  // Now outside the block, the note is the person's text: a third ingest changes nothing.
  const third = await runCli(['ingest', transcript, '--repo', repo, '--json']);
  expect(JSON.parse(third.stdout).changed).toEqual([]);
  expect(readFileSync(path, 'utf8')).toBe(after);
});
