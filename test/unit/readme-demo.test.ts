import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runbookLine } from '../../scripts/lib/demo-lines.js';
import { projectRoot } from '../helpers/ops-repo.js';

/** The README's excerpt of `npm run demo`: the first text fence after "real output of". */
function demoExcerpt(): string[] {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const from = readme.indexOf('```text', readme.indexOf('real output of `npm run demo`'));
  return readme.slice(from, readme.indexOf('\n```\n', from)).split('\n');
}

describe("the README's demo excerpt", () => {
  it('shows the runbook line as the demo prints it: the path to open from the clone, shortened', () => {
    const shown = demoExcerpt().find((l) => l.startsWith('runbook:'));
    const repo = demoExcerpt()
      .find((l) => l.startsWith('ops repo:'))
      ?.replace(/^ops repo:\s+/, '');
    expect(repo).toBe('/tmp/airgap-demo-…/kafka-ops');
    expect(shown).toBe(
      runbookLine(repo ?? '', 'docs/RUNBOOKS/2026-12-06-dev-topics-81f0389.md', false),
    );
  });
});
