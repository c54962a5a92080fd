import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { projectRoot } from '../helpers/ops-repo.js';

const dir = fixture(() => tempDir('airgap-gzip-follow-'));

describe('a hashing gzip thread in a process of its own (the compiled GzipFile)', () => {
  it('keeps the process alive while a file it follows is awaited, after its gzip is done', () => {
    // Nothing else keeps this process alive: had the worker stayed unreferenced once its gzip
    // was done, awaiting the followed file's digest would end the process (exit code 13).
    const script = `
      import { appendFileSync, writeFileSync } from 'node:fs';
      const { GzipFile } = await import(${JSON.stringify(join(projectRoot, 'dist/src/util/gzip-file.js'))});
      const work = ${JSON.stringify(dir().path)};
      writeFileSync(work + '/copy.log', 'copy\\n');
      const gzip = new GzipFile(work + '/copy.log', work + '/copy.log.gz', 5, true);
      gzip.end(5);
      await gzip.sha256;
      await gzip.done;
      await new Promise((resolve) => setTimeout(resolve, 50));
      writeFileSync(work + '/runbook.md', 'header\\n');
      const away = gzip.follow(work + '/runbook.md', 7);
      appendFileSync(work + '/runbook.md', 'body\\n');
      process.stdout.write(await away.end(12));
      gzip.close();
    `;
    // A file, not -e with --input-type=module: the eval worker would inherit that flag.
    writeFileSync(join(dir().path, 'follow.mjs'), script);
    const digest = execFileSync(process.execPath, [join(dir().path, 'follow.mjs')], {
      encoding: 'utf8',
    });
    expect(digest).toBe(createHash('sha256').update('body\n').digest('hex'));
  });
});
