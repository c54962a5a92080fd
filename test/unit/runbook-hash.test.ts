import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSink } from '../../src/ingest/read/lines.js';
import { renderHashed } from '../../src/ingest/runbook/runbook-file.js';
import { FileHash } from '../../src/util/gzip-file.js';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { seededRandom } from '../helpers/seeded-random.js';

const dir = fixture(() => tempDir('airgap-runbook-hash-'));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('renderHashed (the runbook body hashed here, or on a thread once it is large)', () => {
  it('gives the sha256 of the body alone, on either side of the threshold', async () => {
    const r = seededRandom(41);
    const output = join(dir().path, 'output.log');
    writeFileSync(
      output,
      Array.from({ length: 20_000 }, (_, i) => `out ${i} ${r.int(1e9)}\n`).join(''),
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
    const started = FileHash.started;
    const digests: string[] = [];
    for (const away of [Number.POSITIVE_INFINITY, 10_000, 0]) {
      const path = join(dir().path, `runbook-${away}.md`);
      const sink = new FileSink(path);
      sink.line('<!-- begin: a header line the hash leaves out -->');
      const start = sink.position;
      const digest = await renderHashed(sink, render, away);
      const end = sink.position;
      sink.line('<!-- end -->');
      sink.close();
      const bytes = readFileSync(path);
      expect(digest).toBe(sha256(bytes.subarray(start, end)));
      digests.push(digest);
    }
    // The same body each time: the same digest, whichever thread took it.
    expect(new Set(digests).size).toBe(1);
    expect(FileHash.started - started).toBe(2);
  });
});
