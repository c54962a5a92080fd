import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSink } from '../../src/ingest/read/lines.js';
import { renderHashed } from '../../src/ingest/runbook/runbook-file.js';
import { GzipFile } from '../../src/util/gzip-file.js';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { seededRandom } from '../helpers/seeded-random.js';

const dir = fixture(() => tempDir('airgap-runbook-hash-'));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('renderHashed (the runbook body hashed here, or by the kept transcript’s gzip thread)', () => {
  it('gives the sha256 of the body alone, whichever thread hashes it', async () => {
    const r = seededRandom(41);
    const output = join(dir().path, 'output.log');
    // 6 MiB of outputs: more than one of the worker's reads and of its growth steps.
    writeFileSync(
      output,
      Array.from({ length: 200_000 }, (_, i) => `out ${i} ${r.int(1e9)} padding\n`).join(''),
    );
    // Text, bytes copied from another file (the outputs), and text again: each kind of write.
    const render = (sink: FileSink) => {
      const w = seededRandom(42);
      for (let i = 0; i < 3_000; i++) sink.line(`step ${i}: naïve ${'x'.repeat(w.int(80))}`);
      sink.copyFrom(output, 1_000, 200_000);
      sink.write('```\n');
      sink.copyFrom(output);
      sink.line('end');
    };
    // A hashing gzip thread, as the clean pass leaves it: its own file written and gzipped.
    const copy = join(dir().path, 'copy.log');
    writeFileSync(copy, 'the cleaned copy\n');
    const gzip = new GzipFile(copy, join(dir().path, 'copy.log.gz'), 17, true);
    gzip.end(17);
    expect(await gzip.sha256).toBe(sha256(Buffer.from('the cleaned copy\n')));
    const digests: string[] = [];
    for (const hasher of [undefined, gzip]) {
      const path = join(dir().path, `runbook-${hasher ? 'away' : 'here'}.md`);
      const sink = new FileSink(path);
      sink.line('<!-- begin: a header line the hash leaves out -->');
      const start = sink.position;
      const digest = await renderHashed(sink, render, hasher);
      const end = sink.position;
      sink.line('<!-- end -->');
      sink.close();
      const bytes = readFileSync(path);
      expect(digest).toBe(sha256(bytes.subarray(start, end)));
      digests.push(digest);
    }
    // The same body both times: the same digest, whichever thread took it.
    expect(new Set(digests).size).toBe(1);
    await gzip.done;
    gzip.close();
  });

  it('hashes here when the gzip thread does not hash or is gone, and fails when it fails', async () => {
    const copy = join(dir().path, 'copy.log');
    writeFileSync(copy, 'copy\n');
    const render = (sink: FileSink) => sink.line('body');
    const plain = new GzipFile(copy, join(dir().path, 'plain.gz'), 5);
    const cancelled = new GzipFile(copy, join(dir().path, 'cancelled.gz'), 5, true);
    await cancelled.cancel();
    for (const hasher of [plain, cancelled]) {
      const sink = new FileSink(join(dir().path, 'here.md'));
      expect(await renderHashed(sink, render, hasher)).toBe(sha256(Buffer.from('body\n')));
      sink.close();
    }
    plain.end(5);
    await plain.done;
    // The followed file shorter than said: the worker fails, and so does the digest.
    const failing = new GzipFile(copy, join(dir().path, 'failing.gz'), 5, true);
    const away = failing.follow(join(dir().path, 'here.md'), 0);
    await expect(away?.end(1_000)).rejects.toThrow(/ended before/);
  });
});
