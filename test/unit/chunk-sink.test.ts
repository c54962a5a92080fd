import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkSink } from '../../src/ingest/read/chunk-sink.js';
import { fixture, tempDir } from '../helpers/fixtures.js';

const dir = fixture(() => tempDir('airgap-chunk-sink-'));

describe('ChunkSink', () => {
  it('writes lines, texts and bytes in order and hashes exactly what it wrote', () => {
    const path = join(dir().path, 'a.txt');
    const sink = new ChunkSink(path);
    sink.line('naïve — ünïcode');
    sink.bytes(Buffer.from('bytes\n'));
    sink.text('x'.repeat(300_000));
    sink.bytes(Buffer.alloc(600_000, 0x79));
    sink.text('ascii\n');
    sink.line('');
    const digest = sink.digest();
    sink.close();
    const expected = `naïve — ünïcode\nbytes\n${'x'.repeat(300_000)}${'y'.repeat(600_000)}ascii\n\n`;
    const written = readFileSync(path);
    expect(written.toString()).toBe(expected);
    expect(digest).toBe(createHash('sha256').update(written).digest('hex'));
  });

  it('hashes nothing once hashing is handed over, and still writes everything', () => {
    const path = join(dir().path, 'b.txt');
    const sink = new ChunkSink(path);
    sink.line('before');
    sink.stopHashing();
    sink.bytes(Buffer.from('after\n'));
    expect(sink.digest()).toBe('');
    sink.close();
    expect(readFileSync(path, 'utf8')).toBe('before\nafter\n');
  });
});
