import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cleanTranscript } from '../../src/ingest/clean/clean.js';
import { GzipFile, gzipFile, KEPT_GZIP_LEVEL } from '../../src/util/gzip-file.js';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { seededRandom } from '../helpers/seeded-random.js';

// The bytes gzip writes at the kept transcript's level.
const gzipAtLevel = (input: Buffer) => gzipSync(input, { level: KEPT_GZIP_LEVEL });
const sha256 = (input: Buffer) => createHash('sha256').update(input).digest('hex');

const dir = fixture(() => tempDir('airgap-gzip-'));

/**
 * Appends parts[1..] to `from` as a writer would, telling the GzipFile of each, then its end:
 * some parts while the worker waits, some while it is still reading.
 */
async function appendParts(
  gzip: GzipFile,
  from: string,
  parts: readonly Buffer[],
  r: ReturnType<typeof seededRandom>,
): Promise<void> {
  let written = (parts[0] as Buffer).length;
  for (const part of parts.slice(1)) {
    appendFileSync(from, part);
    written += part.length;
    gzip.grow(written);
    if (r.int(3) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  gzip.end(written);
}

describe('gzipFile (the kept transcript, compressed on a worker thread)', () => {
  it('writes the bytes gzip at KEPT_GZIP_LEVEL writes, over several read buffers', async () => {
    const r = seededRandom(24);
    // 2.5 MiB: more than one of the worker's 1 MiB reads, part text and part noise.
    const parts: string[] = [];
    for (let i = 0; i < 40_000; i++) parts.push(`line ${i} value-${r.int(1e9)} padding\n`);
    const text = Buffer.from(parts.join(''));
    const noise = Buffer.from(Array.from({ length: 1 << 20 }, () => r.int(256)));
    const input = Buffer.concat([text, noise, text]);
    const from = join(dir().path, 'in.log');
    writeFileSync(from, input);
    await gzipFile(from, join(dir().path, 'out.log.gz'));
    const written = readFileSync(join(dir().path, 'out.log.gz'));
    expect(gunzipSync(written).equals(input)).toBe(true);
    expect(written.equals(gzipAtLevel(input))).toBe(true);
  });

  it('rejects when the file cannot be read, and when the output cannot be written', async () => {
    await expect(
      gzipFile(join(dir().path, 'missing.log'), join(dir().path, 'x.gz')),
    ).rejects.toThrow(/ENOENT/);
    writeFileSync(join(dir().path, 'small.log'), 'text\n');
    await expect(
      gzipFile(join(dir().path, 'small.log'), join(dir().path, 'no-such-dir', 'x.gz')),
    ).rejects.toThrow(/ENOENT/);
  });

  it('compresses a file while it is written, as the whole file once written', async () => {
    const r = seededRandom(28);
    const from = join(dir().path, 'growing.log');
    const parts = Array.from({ length: 30 }, (_, i) =>
      Buffer.from(`part ${i} ${'x'.repeat(r.int(200_000))} ${r.int(1e9)}\n`),
    );
    writeFileSync(from, parts[0] as Buffer);
    const gzip = new GzipFile(
      from,
      join(dir().path, 'growing.log.gz'),
      (parts[0] as Buffer).length,
    );
    await appendParts(gzip, from, parts, r);
    await gzip.done;
    const whole = Buffer.concat(parts);
    expect(readFileSync(join(dir().path, 'growing.log.gz')).equals(gzipAtLevel(whole))).toBe(true);
    expect(gzip.sha256).toBeUndefined();
  });

  it('hashes the whole of a growing file when asked (sha256, before its gzip is done)', async () => {
    const r = seededRandom(29);
    const from = join(dir().path, 'hashed.log');
    // 3.5 MiB at the start: the worker hashes several 1 MiB reads before its first message.
    const parts = [Buffer.alloc(3.5 * (1 << 20), 0x61)];
    for (let i = 0; i < 20; i++)
      parts.push(Buffer.from(`part ${i} ${'y'.repeat(r.int(300_000))}\n`));
    writeFileSync(from, parts[0] as Buffer);
    const gzip = new GzipFile(
      from,
      join(dir().path, 'hashed.log.gz'),
      (parts[0] as Buffer).length,
      true,
    );
    await appendParts(gzip, from, parts, r);
    const whole = Buffer.concat(parts);
    expect(await gzip.sha256).toBe(sha256(whole));
    await gzip.done;
    expect(readFileSync(join(dir().path, 'hashed.log.gz')).equals(gzipAtLevel(whole))).toBe(true);
    // A complete file (nothing said about its growth) is not hashed.
    expect(
      new GzipFile(from, join(dir().path, 'whole.gz'), undefined, true).sha256,
    ).toBeUndefined();
  });

  it('stops when cancelled, and rejects when the file is shorter than said', async () => {
    writeFileSync(join(dir().path, 'short.log'), 'text\n');
    const waiting = new GzipFile(join(dir().path, 'short.log'), join(dir().path, 'short.gz'), 5);
    await waiting.cancel();
    await expect(waiting.done).rejects.toThrow(/stopped/);
    const short = new GzipFile(join(dir().path, 'short.log'), join(dir().path, 'short2.gz'), 5);
    short.end(50);
    await expect(short.done).rejects.toThrow(/ended before/);
    // The digest of a file shorter than said is a failure too, not a wait.
    const hashed = new GzipFile(join(dir().path, 'short.log'), join(dir().path, 's3.gz'), 5, true);
    hashed.end(50);
    await expect(hashed.sha256).rejects.toThrow(/ended before/);
    await expect(hashed.done).rejects.toThrow(/ended before/);
  });

  it('gzips the cleaned copy while cleaning once it is over the limit, and only then', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `\x1b[32mline ${i}\x1b[0m ok\r\n`);
    async function* source() {
      for (let i = 0; i < lines.length; i += 1000)
        yield Buffer.from(lines.slice(i, i + 1000).join(''));
    }
    const path = join(dir().path, 'cleaned.log');
    const over = await cleanTranscript(source(), path, true, {
      gzipOver: { bytes: 100_000, path: join(dir().path, 'cleaned.log.gz') },
    });
    await over.gzipped?.done;
    expect(over.gzipped?.to).toBe(join(dir().path, 'cleaned.log.gz'));
    expect(
      readFileSync(join(dir().path, 'cleaned.log.gz')).equals(gzipAtLevel(readFileSync(path))),
    ).toBe(true);
    const under = await cleanTranscript(source(), join(dir().path, 'under.log'), true, {
      gzipOver: { bytes: readFileSync(path).length, path: join(dir().path, 'under.log.gz') },
    });
    expect(under.gzipped).toBeUndefined();
    // The copy's sha256 either way (the gzip thread hashes it over the limit, the sink under it).
    expect(over.sha256).toBe(sha256(readFileSync(path)));
    expect(under.sha256).toBe(sha256(readFileSync(join(dir().path, 'under.log'))));
    // Started at the first write when the source is over the limit (`likely`): the same gzip
    // and digest over it; under it (the copy shrank), the thread's digest and no gzip.
    const early = await cleanTranscript(source(), join(dir().path, 'early.log'), true, {
      gzipOver: { bytes: 100_000, path: join(dir().path, 'early.log.gz'), likely: true },
    });
    await early.gzipped?.done;
    expect(early.sha256).toBe(over.sha256);
    const earlyGz = readFileSync(join(dir().path, 'early.log.gz'));
    expect(earlyGz.equals(gzipAtLevel(readFileSync(path)))).toBe(true);
    const shrank = await cleanTranscript(source(), join(dir().path, 'shrank.log'), true, {
      gzipOver: { bytes: readFileSync(path).length, path: join(dir().path, 's.gz'), likely: true },
    });
    expect(shrank.gzipped).toBeUndefined();
    expect(shrank.sha256).toBe(over.sha256);
  });

  it('writes an empty file as gzip does', async () => {
    writeFileSync(join(dir().path, 'empty.log'), '');
    await gzipFile(join(dir().path, 'empty.log'), join(dir().path, 'empty.log.gz'));
    expect(
      readFileSync(join(dir().path, 'empty.log.gz')).equals(gzipAtLevel(Buffer.alloc(0))),
    ).toBe(true);
  });
});
