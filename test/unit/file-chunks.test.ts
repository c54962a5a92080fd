import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanTranscript } from '../../src/ingest/clean/clean.js';
import { FileChunks } from '../../src/ingest/read/file-chunks.js';
import { readTextChunks } from '../../src/ingest/read/text-chunks.js';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { noisyTranscript, random } from '../helpers/noisy-transcript.js';

const dir = fixture(() => tempDir('airgap-file-chunks-'));

async function* stream(chunks: Iterable<Buffer>) {
  yield* chunks;
}

/** The file's bytes as fresh buffers of `size` (what a read stream gives). */
function* freshChunks(bytes: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield Buffer.from(bytes.subarray(at, at + size));
}

// Lines short and long (longer than a read, so one is held over several reads), non-ASCII
// ones (decoded to text), and no newline at the end.
const next = random(7);
const parts: string[] = [];
for (let i = 0; i < 3_000; i++) {
  const r = next();
  if (r < 0.01) parts.push(`${'long '.repeat(2_000 + Math.floor(next() * 2_000))}\n`);
  else if (r < 0.05) parts.push(`naïve 日本語 ${i}\n`);
  else parts.push(`line ${i} ${'x'.repeat(Math.floor(next() * 200))}\n`);
}
parts.push('the end, no newline');
const bytes = Buffer.from(parts.join(''));
let file = '';
beforeAll(() => {
  file = join(dir().path, 'input.log');
  writeFileSync(file, bytes);
});

describe('FileChunks (reused read buffers)', () => {
  it.each([4096, 5000, 65_536])(
    'reads %i-byte chunks into reused buffers and gives readTextChunks the same chunks as fresh ones',
    async (size) => {
      const reader = new FileChunks(file, size);
      const reused: string[] = [];
      const memory = new Set<ArrayBufferLike>();
      const seen = (chunk: Buffer) => {
        memory.add(chunk.buffer);
        reader.recycle(chunk);
      };
      // Each chunk turned to text before the next is asked for, as the clean pass does.
      for await (const chunk of readTextChunks(reader, seen))
        reused.push(chunk.ascii ? chunk.bytes.toString('latin1') : chunk.text);
      const fresh: string[] = [];
      for await (const chunk of readTextChunks(stream(freshChunks(bytes, size))))
        fresh.push(chunk.ascii ? chunk.bytes.toString('latin1') : chunk.text);
      expect(reused).toEqual(fresh);
      expect(reused.join('')).toBe(bytes.toString('utf8'));
      // The memory was reused: a buffer or two, not one per read.
      expect(Math.ceil(bytes.length / size)).toBeGreaterThan(10);
      expect(memory.size).toBeLessThanOrEqual(2);
    },
  );

  it('reuses nothing that is not handed back: a reader holding every chunk sees the file', async () => {
    const reader = new FileChunks(file, 4096);
    const held: Buffer[] = [];
    for await (const chunk of reader) held.push(chunk);
    // Handing back a chunk it never gave out (a copy) changes nothing either.
    reader.recycle(Buffer.from(held[0] as Buffer));
    expect(Buffer.concat(held).equals(bytes)).toBe(true);
    expect(new Set(held.map((c) => c.buffer)).size).toBe(held.length);
  });

  it.runIf(existsSync('/proc/self/fdinfo'))(
    'reads the next chunk while the reader works on one, and closes the file when it stops early',
    async () => {
      const size = 4096;
      const offsets = () =>
        readdirSync('/proc/self/fd').flatMap((fd) => {
          try {
            if (readlinkSync(`/proc/self/fd/${fd}`) !== file) return [];
            const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
            return [Number(/^pos:\s*(\d+)/m.exec(info)?.[1])];
          } catch {
            return []; // closed since it was listed
          }
        });
      const reader = new FileChunks(file, size);
      let chunks = 0;
      for await (const chunk of reader) {
        chunks++;
        reader.recycle(chunk);
        // The read after this chunk is already asked for: let the thread pool do it (polled up
        // to 2 s, so that a loaded machine only makes the wait longer; done at once otherwise).
        for (let i = 0; i < 400 && (offsets()[0] ?? 0) < (chunks + 1) * size; i++)
          await new Promise((resolve) => setTimeout(resolve, 5));
        expect(offsets()).toEqual([(chunks + 1) * size]);
        if (chunks === 3) break;
      }
      expect(offsets()).toEqual([]);
    },
  );

  it('cleans the same through reused buffers as through fresh ones', async () => {
    // Over 5,000 lines: the chunk fast paths (cleanAsciiLines) only start after the wrap
    // joiner has decided.
    const noisy = Buffer.from(noisyTranscript(11, 20_000, { ascii: true, csi: true, rate: 0.2 }));
    const path = join(dir().path, 'noisy.log');
    writeFileSync(path, noisy);
    const reader = new FileChunks(path, 8192);
    const reused = await cleanTranscript(reader, join(dir().path, 'reused.log'), true, {
      recycle: (chunk) => reader.recycle(chunk),
    });
    const fresh = await cleanTranscript(
      stream(freshChunks(noisy, 8192)),
      join(dir().path, 'fresh.log'),
      true,
    );
    expect(
      readFileSync(join(dir().path, 'reused.log')).equals(
        readFileSync(join(dir().path, 'fresh.log')),
      ),
    ).toBe(true);
    expect({ ...reused, path: '' }).toEqual({ ...fresh, path: '' });
    expect(reused.lines).toBe(20_000);
  });
});
