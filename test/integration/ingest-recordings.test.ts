import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { stoppedClockSessions } from '../helpers/bastion.js';
import {
  cleanupTempDirs,
  commitAll,
  git,
  makeOpsRepo,
  requireTool,
  tempDir,
} from '../helpers/ops-repo.js';

afterAll(cleanupTempDirs);

describe('recordings instead of a copy', () => {
  it('an asciinema cast and a script -T typescript give the runbook of the plain copy', async () => {
    if (!requireTool('script') || !requireTool('asciinema')) return;
    const repo = makeOpsRepo();
    const result = await bundle({ spec: 'dev-topics', repo, out: tempDir() });
    commitAll(repo, 'prepared');
    // The same session three times: a clock that stands still and a fresh cluster each time.
    const { script, run: session } = stoppedClockSessions(result);
    const dir = tempDir('airgap-recordings-');
    const plain = join(dir, 'plain.txt');
    session(['bash', '-c', `bash ${script} > ${plain} 2>&1`]);
    const typescript = join(dir, 'session.typescript');
    session([
      'script',
      '-q',
      '-T',
      join(dir, 'session.timing'),
      '-c',
      `bash ${script}`,
      typescript,
    ]);
    const cast = join(dir, 'session.cast');
    session(['asciinema', 'rec', '-q', '--overwrite', '-c', `bash ${script}`, cast]);
    expect(readFileSync(typescript, 'utf8')).toMatch(/^Script started on /);
    expect(readFileSync(cast, 'utf8')).toMatch(/^\{"version": 2/);

    const runbooks: Record<string, string> = {};
    for (const [label, path] of Object.entries({ plain, typescript, cast })) {
      const ingested = await ingest({ transcript: path, repo });
      expect(ingested.status).toBe('deployed');
      // Each session draws its own marker nonce, so the kept transcripts' names differ.
      runbooks[label] = readFileSync(join(repo, ingested.runbook), 'utf8')
        .replaceAll(ingested.transcript.split('/').at(-1)!, 'TRANSCRIPT.log')
        .replace(/sha256=[0-9a-f]{12} \(managed/, 'sha256=BLOCK (managed');
      git(repo, 'reset', '-q', '--hard');
      git(repo, 'clean', '-fdq');
    }
    expect(runbooks.plain).toContain('**Deployed**');
    expect(runbooks.typescript).toBe(runbooks.plain);
    expect(runbooks.cast).toBe(runbooks.plain);
  }, 60_000);
});
