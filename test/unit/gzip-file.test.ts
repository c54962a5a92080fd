import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { gzipFile } from '../../src/ingest/gzip-file.js';
import { seededRandom } from '../helpers/seeded-random.js';

const dir = mkdtempSync(join(tmpdir(), 'airgap-gzip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gzipFile (the kept transcript, compressed on a worker thread)', () => {
  it('writes the bytes gzip with default options writes, over several read buffers', async () => {
    const r = seededRandom(24);
    // 2.5 MiB: more than one of the worker's 1 MiB reads, part text and part noise.
    const parts: string[] = [];
    for (let i = 0; i < 40_000; i++) parts.push(`line ${i} value-${r.int(1e9)} padding\n`);
    const text = Buffer.from(parts.join(''));
    const noise = Buffer.from(Array.from({ length: 1 << 20 }, () => r.int(256)));
    const input = Buffer.concat([text, noise, text]);
    const from = join(dir, 'in.log');
    writeFileSync(from, input);
    await gzipFile(from, join(dir, 'out.log.gz'));
    const written = readFileSync(join(dir, 'out.log.gz'));
    expect(gunzipSync(written).equals(input)).toBe(true);
    expect(written.equals(gzipSync(input))).toBe(true);
  });

  it('rejects when the file cannot be read, and when the output cannot be written', async () => {
    await expect(gzipFile(join(dir, 'missing.log'), join(dir, 'x.gz'))).rejects.toThrow(/ENOENT/);
    writeFileSync(join(dir, 'small.log'), 'text\n');
    await expect(
      gzipFile(join(dir, 'small.log'), join(dir, 'no-such-dir', 'x.gz')),
    ).rejects.toThrow(/ENOENT/);
  });

  it('writes an empty file as gzip does', async () => {
    writeFileSync(join(dir, 'empty.log'), '');
    await gzipFile(join(dir, 'empty.log'), join(dir, 'empty.log.gz'));
    expect(readFileSync(join(dir, 'empty.log.gz')).equals(gzipSync(Buffer.alloc(0)))).toBe(true);
  });
});
