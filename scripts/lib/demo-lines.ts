import { join } from 'node:path';

/**
 * The demo's `runbook:` line: the runbook's absolute path, which opens from wherever the demo
 * ran (the clone's root, not the ops repo in the temp folder). The README's demo excerpt
 * shows this line, paths shortened (test/unit/readme-demo.test.ts).
 */
export function runbookLine(repo: string, runbook: string | undefined, clean: boolean): string {
  const removed = clean ? '\n           (removed with the demo folder: --clean)' : '';
  return `runbook:   ${runbook ? join(repo, runbook) : '(none)'}${removed}`;
}
