import { describe, expect, it } from 'vitest';
import { cleanAsciiLines } from '../../src/ingest/clean/ascii-lines.js';
import { removeEscapes } from '../../src/ingest/clean/terminal.js';
import { lineFilter } from '../../src/secrets/index.js';
import { noisyTranscript } from '../helpers/noisy-transcript.js';

/** The regex path it replaces: escapes removed from the text, then the filter over its bytes. */
function byRegex(text: string) {
  const clean = removeEscapes(text);
  const bytes = Buffer.from(clean, 'latin1');
  return { text: clean, flagged: lineFilter().flaggedBytes(bytes, bytes.length) };
}

function byLoop(text: string) {
  const out = Buffer.alloc(text.length);
  const done = cleanAsciiLines(Buffer.from(text, 'latin1'), out);
  if (!done) return undefined;
  const { length, ...flagged } = done;
  return { text: out.toString('latin1', 0, length), flagged };
}

describe('cleanAsciiLines', () => {
  it.each([31, 32, 33])('cleans and flags as the regex path (seed %i)', (seed) => {
    const text = noisyTranscript(seed, 5_000, { ascii: true, csi: true });
    expect(byLoop(text)).toEqual(byRegex(text));
  });

  it('removes CSI sequences and CRLF ends, keeps a lone CR and flags its line', () => {
    const text = '\x1b[?2004h$ ls\r\n\x1b[01;31m\x1b[Kred\x1b[m\r\nA\rB\r\nkey-data: x\nend \n';
    expect(byLoop(text)).toEqual({
      text: '$ ls\nred\nA\rB\nkey-data: x\nend \n',
      flagged: { starts: [0, 9, 13, 25], lines: 5 },
    });
  });

  it('leaves any other escape to the regex path', () => {
    for (const text of ['a\x1b]0;title\x07b\n', 'a\x1b(Bb\n', 'a\x1b\n', 'a\x1b[12\n'])
      expect(byLoop(text)).toBeUndefined();
    // Found late in the walk, after complete sequences and lines; and cut by the chunk's end.
    for (const text of [
      '\x1b[1mok\x1b[0m\r\nline\n\x1b[0K\x1b]0;title\x07b\n',
      'ok\n\x1b[',
      'ok\n\x1b',
    ])
      expect(byLoop(text)).toBeUndefined();
  });
});
