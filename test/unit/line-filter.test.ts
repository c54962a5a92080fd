import { describe, expect, it } from 'vitest';
import { LOWERS_TO_ASCII } from '../../src/secrets/line-filter.js';
import { lineFilter, rules } from '../../src/secrets/scanner.js';
import { noisyTranscript } from '../helpers/noisy-transcript.js';

const keywords = [...new Set(rules.flatMap((r) => r.filterKeywords ?? r.keywords))];
const lineStarts = (lines: string[]) => {
  const starts: number[] = [];
  let at = 0;
  for (const line of lines) {
    starts.push(at);
    at += line.length + 1;
  }
  return starts;
};

describe('LineFilter', () => {
  it('flags a line for each keyword, in any case, and for what opens a stateful rule', () => {
    const lines = [
      ...keywords.map((k) => `x ${k.toUpperCase()} y`),
      '[root@host ~]# kubectl get secret',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'data:',
      'TAS\u212a3F (the Kelvin sign lower-cases to k: "task3f" holds sk3f)',
    ];
    const text = `${lines.join('\n')}\n`;
    expect(lineFilter().flagged(text).starts).toEqual(lineStarts(lines));
  });

  it('flags control characters other than tab and blanks at the end, nothing else', () => {
    const lines = ['plain words here', 'a\rb', 'back\bspace', 'tab\there', 'trailing ', 'tab\t'];
    const text = `${lines.join('\n')}\n`;
    const starts = lineStarts(lines);
    const { starts: flagged, lines: count } = lineFilter().flagged(text);
    expect(flagged).toEqual([starts[1], starts[2], starts[4], starts[5]]);
    expect(count).toBe(6);
  });

  it('flags every line the scanner lower-cases into a keyword (generated text)', () => {
    const text = noisyTranscript(21, 4_000).replace(/\r/g, '');
    const lines = text.split('\n').slice(0, -1);
    const flagged = new Set(lineFilter().flagged(text).starts);
    lineStarts(lines).forEach((start, i) => {
      const lower = (lines[i] ?? '').toLowerCase();
      if (keywords.some((k) => lower.includes(k))) expect(flagged.has(start)).toBe(true);
    });
  });

  it('gives the same over ASCII bytes as over the text', () => {
    const text = noisyTranscript(22, 4_000, { ascii: true });
    const bytes = Buffer.from(text, 'latin1');
    expect(lineFilter().flaggedBytes(bytes, bytes.length)).toEqual(lineFilter().flagged(text));
  });

  it('knows every character past ASCII whose lower case starts with an ASCII letter', () => {
    const found = new Map<number, number>();
    for (let c = 0x80; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const lower = String.fromCharCode(c).toLowerCase().charCodeAt(0);
      if (lower < 0x80) found.set(c, lower);
    }
    expect(found).toEqual(LOWERS_TO_ASCII);
  });
});
