import { describe, expect, it } from 'vitest';
import { readLineBatches } from '../../src/ingest/read/lines.js';
import { readTextChunks } from '../../src/ingest/read/text-chunks.js';
import { random, randomChunks } from '../helpers/noisy-transcript.js';

async function* stream(chunks: Iterable<Buffer | string>) {
  yield* chunks;
}

async function chunks(parts: Iterable<Buffer | string>) {
  const out: string[] = [];
  for await (const chunk of readTextChunks(stream(parts)))
    out.push(chunk.ascii ? chunk.bytes.toString('latin1') : chunk.text);
  return out;
}

async function lines(parts: Iterable<Buffer | string>) {
  const out: string[] = [];
  for await (const batch of readLineBatches(stream(parts))) out.push(...batch);
  return out;
}

describe('readTextChunks', () => {
  const bytes = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('plain\r\nnaïve 日本語 🎉\n'.repeat(50)),
    Buffer.from([0xe2, 0x82, 0x0a, 0xff, 0x0a]),
    Buffer.from('ascii only\n'.repeat(50)),
    Buffer.from('no newline at the end 🎉'),
  ]);

  it('decodes as readLineBatches does, cut only after newlines, however the bytes come', async () => {
    const next = random(1);
    for (const largest of [1, 3, 64, 100_000]) {
      const parts = [...randomChunks(bytes, next, largest)];
      const got = await chunks(parts);
      for (const chunk of got.slice(0, -1)) expect(chunk.endsWith('\n')).toBe(true);
      const joined = got.join('');
      expect(joined.split('\n')).toEqual(await lines(parts));
    }
  });

  it('gives ASCII lines as bytes and the others as text', async () => {
    const got: boolean[] = [];
    for await (const chunk of readTextChunks(stream([Buffer.from('ab\n'), Buffer.from('é\n')])))
      got.push(chunk.ascii);
    expect(got).toEqual([true, false]);
  });

  it('gives no line for empty chunks at the end, as readLineBatches', async () => {
    for (const parts of [
      [Buffer.from('a\n'), Buffer.alloc(0)],
      [Buffer.from('é\n'), Buffer.alloc(0)],
      [Buffer.alloc(0)],
      ['a\n', ''],
    ]) {
      expect(await chunks(parts)).toEqual([parts[0]?.toString()].filter((c) => c !== ''));
      expect((await chunks(parts)).join('').split('\n').slice(0, -1)).toEqual(await lines(parts));
    }
  });

  it('takes strings as they are', async () => {
    expect(await chunks(['a\nb', 'c\n', 'd'])).toEqual(['a\n', 'bc\n', 'd']);
  });
});
