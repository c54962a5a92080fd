import { describe, expect, it } from 'vitest';
import { FoldBreaks, HOLD } from '../../src/ingest/read/fold-breaks.js';
import { fold } from '../helpers/fold.js';

/** FoldBreaks over `bytes` cut into chunks of `size`, all it hands on joined. */
function unfold(bytes: Buffer, width: number, size: number): Buffer {
  const breaks = new FoldBreaks(width);
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size)
    out.push(breaks.push(bytes.subarray(at, at + size)));
  out.push(breaks.finish());
  return Buffer.concat(out);
}

const SIZES = [1, 7, 80, 81, 4096, 1 << 22];

describe('FoldBreaks', () => {
  it('takes out what fold put in a CR LF text, tabs, backspaces and redraws included, in any chunking', () => {
    const lines = [
      `${'x'.repeat(200)}`,
      `a\tb\tc${'\t'.repeat(12)}d${'y'.repeat(90)}`,
      `${'z'.repeat(79)}\b\b${'w'.repeat(30)}`,
      `progress 10%\rprogress 20%${'.'.repeat(100)}\rdone`,
      'x'.repeat(80),
      '',
      `\x1b[7m${'\x1b[7mab\x1b[27m'.repeat(30)}`,
    ];
    const text = Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
    const folded = fold(text, 80);
    expect(folded.length).toBeGreaterThan(text.length);
    for (const size of SIZES) expect(unfold(folded, 80, size).equals(text), `${size}`).toBe(true);
  });

  it('keeps every LF when the text ends its lines in bare LFs, or shows none of its own in HOLD bytes', () => {
    const lfOnly = fold(Buffer.from(`${'x'.repeat(200)}\n${'y'.repeat(80)}\nz\n`), 80);
    // A CR LF line end only after HOLD bytes of folded lines: too late to tell, nothing taken out.
    const late = Buffer.concat([
      fold(Buffer.from('q'.repeat(HOLD + 100)), 80),
      Buffer.from('\r\n'),
    ]);
    for (const size of SIZES) expect(unfold(lfOnly, 80, size).equals(lfOnly), `${size}`).toBe(true);
    for (const size of [1000, 4096, 1 << 22])
      expect(unfold(late, 80, size).equals(late), `${size}`).toBe(true);
  });
});
