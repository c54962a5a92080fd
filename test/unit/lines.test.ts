import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSink } from '../../src/ingest/read/lines.js';
import { fixture, tempDir } from '../helpers/fixtures.js';

const dir = fixture(() => tempDir('airgap-lines-'));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('FileSink', () => {
  it('counts positions in bytes and hashes exactly the range between beginHash and endHash', () => {
    const sink = new FileSink(join(dir().path, 'a.txt'));
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
    const bytes = readFileSync(join(dir().path, 'a.txt'));
    expect(start).toBe(7);
    expect(bytes.subarray(start, end).toString()).toBe(`naïve — ünïcode\n${'x'.repeat(300_000)}\n`);
    expect(hash).toBe(sha256(bytes.subarray(start, end).toString()));
    expect(bytes.subarray(end).toString()).toBe('after\n');
  });

  it('copies many ranges of files it keeps open, and closes them with itself', () => {
    // Linux lists a process's open files in /proc/self/fd (shared with the test files running
    // beside this one): how many are open on this test's own sources.
    const openSources = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return sources.includes(readlinkSync(join('/proc/self/fd', fd)));
        } catch {
          return false; // closed since it was listed
        }
      }).length;
    const one = join(dir().path, 'one.txt');
    const two = join(dir().path, 'two.txt');
    const long = 'abcdefghij'.repeat(200_000);
    writeFileSync(one, long);
    writeFileSync(two, '0123456789');
    const sources = [realpathSync(one), realpathSync(two)];
    const sink = new FileSink(join(dir().path, 'copies.txt'));
    let expected = '';
    for (let i = 0; i < 50; i++) {
      sink.copyFrom(one, i * 7, i * 7 + 13);
      sink.copyFrom(two, i % 10);
      expected +=
        'abcdefghij'.repeat(200_000).slice(i * 7, i * 7 + 13) + '0123456789'.slice(i % 10);
    }
    // A range longer than the shared 1 MiB read buffer, and one past the end of the file.
    sink.copyFrom(one, 5, 1_500_005);
    sink.copyFrom(two, 8, 100);
    expected += `${long.slice(5, 1_500_005)}89`;
    expect(openSources()).toBe(2);
    sink.close();
    expect(openSources()).toBe(0);
    expect(readFileSync(join(dir().path, 'copies.txt'), 'latin1') === expected).toBe(true);
  });

  it('hashes nothing when no range was begun', () => {
    const sink = new FileSink(join(dir().path, 'b.txt'));
    sink.line('text');
    expect(sink.endHash()).toBe(sha256(''));
    sink.close();
  });
});
