import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countNewlines, longestRun, readLineRegions } from '../../src/ingest/read/line-regions.js';
import { fixture, tempDir } from '../helpers/fixtures.js';

const dir = fixture(() => tempDir('airgap-regions-'));

describe('readLineRegions', () => {
  it('yields whole lines, grows for a line longer than the buffer, keeps a last partial line', () => {
    const path = join(dir().path, 'a.txt');
    const text = `a\nbb\n${'x'.repeat(50)}\nccc\nno newline`;
    writeFileSync(path, text);
    // A view is valid until the next one is read: copy each as it comes.
    const regions: string[] = [];
    for (const region of readLineRegions(path, 8)) regions.push(region.toString());
    expect(regions.join('')).toBe(text);
    expect(regions.slice(0, -1).every((r) => r.endsWith('\n'))).toBe(true);
    expect(regions.at(-1)).toBe('no newline');
    expect(
      regions.some(
        (r) => r.includes(`\n${'x'.repeat(50)}\n`) || r.startsWith(`${'x'.repeat(50)}\n`),
      ),
    ).toBe(true);
  });

  it('yields nothing for an empty file', () => {
    const path = join(dir().path, 'empty.txt');
    writeFileSync(path, '');
    expect([...readLineRegions(path)]).toEqual([]);
  });
});

describe('countNewlines and longestRun', () => {
  it('count line ends and the longest run of a byte', () => {
    expect(countNewlines(Buffer.from('a\n\nb\n'))).toBe(3);
    expect(countNewlines(Buffer.from('none'))).toBe(0);
    expect(longestRun(Buffer.from('a ` b ``` c ``\n````'), 0x60)).toBe(4);
    expect(longestRun(Buffer.from('no ticks'), 0x60)).toBe(0);
  });
});
