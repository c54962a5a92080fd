import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { stoppedClockSessions } from '../helpers/bastion.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, git, requireTool } from '../helpers/ops-repo.js';

describe('recordings instead of a copy', () => {
  it('an asciinema cast and a script -T typescript give the runbook of the plain copy', async () => {
    if (!requireTool('script') || !requireTool('asciinema')) return;
    await using repo = await opsRepo();
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, 'prepared');
    // The same session three times: a clock that stands still and a fresh cluster each time.
    const { script, run: session } = stoppedClockSessions(repo, result);
    const dir = repo.dir('airgap-recordings-');
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
      const ingested = await ingest({ transcript: path, repo: repo.path });
      expect(ingested.status).toBe('deployed');
      // Each session draws its own marker nonce, so the kept transcripts' names differ.
      runbooks[label] = readFileSync(join(repo.path, ingested.runbook), 'utf8')
        .replaceAll(ingested.transcript.split('/').at(-1)!, 'TRANSCRIPT.log')
        .replace(/sha256=[0-9a-f]{12} \(managed/, 'sha256=BLOCK (managed');
      git(repo.path, 'reset', '-q', '--hard');
      git(repo.path, 'clean', '-fdq');
    }
    expect(runbooks.plain).toContain('**Deployed**');
    expect(runbooks.typescript).toBe(runbooks.plain);
    expect(runbooks.cast).toBe(runbooks.plain);
  }, 60_000);
});
