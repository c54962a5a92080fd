import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSink } from '../../src/ingest/read/lines.js';

const dir = mkdtempSync(join(tmpdir(), 'airgap-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('FileSink', () => {
  it('counts positions in bytes and hashes exactly the range between beginHash and endHash', () => {
    const sink = new FileSink(join(dir, 'a.txt'));
    sink.line('before');
    const start = sink.position;
    sink.beginHash();
    sink.line('naïve — ünïcode');
    sink.write('x'.repeat(300_000));
    sink.line('');
    const hash = sink.endHash();
    const end = sink.position;
    sink.line('after');
    sink.close();
    const bytes = readFileSync(join(dir, 'a.txt'));
    expect(start).toBe(7);
    expect(bytes.subarray(start, end).toString()).toBe(`naïve — ünïcode\n${'x'.repeat(300_000)}\n`);
    expect(hash).toBe(sha256(bytes.subarray(start, end).toString()));
    expect(bytes.subarray(end).toString()).toBe('after\n');
  });

  it('hashes nothing when no range was begun', () => {
    const sink = new FileSink(join(dir, 'b.txt'));
    sink.line('text');
    expect(sink.endHash()).toBe(sha256(''));
    sink.close();
  });
});
