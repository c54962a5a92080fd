import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsciiText } from '../../src/ingest/clean/ascii-text.js';
import { cleanTranscript } from '../../src/ingest/clean/clean.js';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { random } from '../helpers/noisy-transcript.js';

const dir = fixture(() => tempDir('airgap-ascii-text-'));

/** The text in a larger buffer (the clean pass reuses one), with other bytes past its end. */
function asciiText(text: string): AsciiText {
  const bytes = Buffer.alloc(text.length + 16, '\n@@airgap/1 x');
  bytes.write(text, 0, 'latin1');
  return new AsciiText(bytes, text.length);
}

describe('AsciiText (an ASCII chunk read as a string)', () => {
  const next = random(5);
  const alphabet = ['a', 'b', '\n', ' ', '@@airgap/1 ', '\r', 'ab'];
  const texts = [
    '',
    '\n',
    'abc',
    '@@airgap/1 begin x\n',
    ...Array.from({ length: 20 }, () =>
      Array.from({ length: 40 }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''),
    ),
  ];
  const positions = (length: number) => [
    Number.NaN,
    Number.NEGATIVE_INFINITY,
    -length - 3,
    -2,
    -1,
    ...Array.from({ length: length + 3 }, (_, i) => i),
    1.5,
    Number.POSITIVE_INFINITY,
  ];

  it('answers indexOf, lastIndexOf and slice as String does, at every position', () => {
    // Mismatches collected, then one assertion: an expect per position took seconds.
    const wrong: string[] = [];
    const check = (what: string, got: unknown, want: unknown) => {
      if (got !== want) wrong.push(`${what}: ${String(got)}, String gives ${String(want)}`);
    };
    for (const text of texts) {
      const ascii = asciiText(text);
      const at = JSON.stringify(text);
      check(`${at}.length`, ascii.length, text.length);
      check(`${at}.toString()`, ascii.toString(), text);
      for (const search of ['\n', 'a', 'ab', '@@airgap/1', '', 'zz', 'Ł', '«masked'])
        for (const p of positions(text.length)) {
          check(
            `${at}.indexOf(${search}, ${p})`,
            ascii.indexOf(search, p),
            text.indexOf(search, p),
          );
          check(
            `${at}.lastIndexOf(${search}, ${p})`,
            ascii.lastIndexOf(search, p),
            text.lastIndexOf(search, p),
          );
        }
      check(`${at}.indexOf(\\n)`, ascii.indexOf('\n'), text.indexOf('\n'));
      check(`${at}.lastIndexOf(\\n)`, ascii.lastIndexOf('\n'), text.lastIndexOf('\n'));
      check(`${at}.slice()`, ascii.slice(), text.slice());
      for (const from of positions(text.length)) {
        check(`${at}.slice(${from})`, ascii.slice(from), text.slice(from));
        for (const to of positions(text.length))
          check(`${at}.slice(${from}, ${to})`, ascii.slice(from, to), text.slice(from, to));
      }
    }
    expect(wrong).toEqual([]);
  });

  it('masks every flagged line of an ASCII chunk: no secret is left in the copy', async () => {
    // Over 5,000 plain lines of varied widths first (one width would read as a hard wrap):
    // only then does the wrap joiner let chunks through whole.
    const lines = Array.from(
      { length: 6_000 },
      (_, i) => `  key-${i}: value-${i} ${'padding '.repeat(i % 5)}end`,
    );
    // And one line wider than all: a wall of lines at the widest width reads as a hard wrap.
    lines.unshift(`long ${'line '.repeat(40)}end`);
    const secrets: string[] = [];
    for (let i = 0; i < 300; i++) {
      const secret = `s3cr3tValue${i}x${(i * 7919).toString(36)}Qz`;
      secrets.push(secret);
      lines.push(`line ${i} padding padding`, `export DB_PASSWORD=${secret}`, `plain ${i}`);
    }
    // Each value again, later and on a line the filter does not flag: a known value.
    for (let i = 0; i < 300; i += 30) lines.push(`echo ${secrets[i]} again`);
    const bytes = Buffer.from(`${lines.join('\r\n')}\n`, 'latin1');
    const path = join(dir().path, 'masked.log');
    async function* chunks() {
      for (let at = 0; at < bytes.length; at += 65_536) yield bytes.subarray(at, at + 65_536);
    }
    const result = await cleanTranscript(chunks(), path, true);
    const copy = readFileSync(path, 'utf8');
    expect(secrets.filter((secret) => copy.includes(secret))).toEqual([]);
    expect(copy.match(/«masked:[a-z0-9-]+»/g)?.length).toBe(310);
    expect(result.masked).toBe(310);
    expect(result.wrapWidth).toBeUndefined();
    // Every line kept, in order, each masked one as a line of its own.
    const kept = copy.split('\n');
    expect(kept.pop()).toBe('');
    expect(kept.length).toBe(lines.length);
    expect(kept.filter((line, i) => line !== lines[i]).length).toBe(310);
    expect(kept.filter((line) => line.startsWith('export DB_PASSWORD=«masked:')).length).toBe(300);
  });
});
