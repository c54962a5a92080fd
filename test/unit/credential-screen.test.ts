import { describe, expect, it } from 'vitest';
import { mayHoldCredential, mayHoldCredentialBytes } from '../../src/bundle/credential-screen.js';

/** What FileScanner asked before: join the chunks, skip binary, screen the decoded text. */
const reference = (chunks: Buffer[]) => {
  const bytes = Buffer.concat(chunks);
  return !bytes.includes(0) && mayHoldCredential(bytes.toString('utf8'));
};

describe('mayHoldCredentialBytes (the screen over raw chunks) against the screen over text', () => {
  const pieces = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:\n  name: cm-1\n  namespace: apps',
    '  k: v1',
    '  password: x',
    '  TOKEN: y',
    'kind: Secret',
    '  a: QUtJQUlPU0ZPRE5ON0VYQU1QTEVBQUFBQUFBQUFB',
    '  b: 3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==',
    '  c: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL',
    '  ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    '  ünïcödé İ \u212a',
    '  trailing blank ',
    '\ttab\t',
    '\r',
    '\u0000',
    '',
  ];

  it('answers the same for every file, however it is cut into chunks', () => {
    let random = 41;
    const next = () => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random;
    };
    const answers = { true: 0, false: 0 };
    for (let file = 0; file < 2000; file++) {
      const lines = Array.from({ length: next() % 6 }, () => pieces[next() % pieces.length] ?? '');
      const text = lines.join(next() % 3 ? '\n' : '\r\n') + (next() % 2 ? '\n' : '');
      const bytes = Buffer.from(text);
      // Cut at random places, even inside a keyword or a UTF-8 sequence.
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const end = next() % 4 ? bytes.length : at + 1 + (next() % 20);
        chunks.push(bytes.subarray(at, end));
        at = end;
      }
      const expected = reference(chunks);
      answers[`${expected}`]++;
      expect(mayHoldCredentialBytes(chunks), JSON.stringify(text)).toBe(expected);
    }
    expect(answers.true).toBeGreaterThan(300);
    expect(answers.false).toBeGreaterThan(300);
  });

  it('screens a file in chunks by its own bytes, not what an earlier longer file left', () => {
    // The chunks are joined in a reused buffer: a short clean file after a long flagged one.
    const cut = (text: string) => {
      const bytes = Buffer.from(text);
      const half = bytes.length >> 1;
      return [bytes.subarray(0, half), bytes.subarray(half)];
    };
    const clean = 'kind: ConfigMap\ndata:\n  k: v\n';
    expect(mayHoldCredentialBytes(cut(`${clean.repeat(40)}  password: hunter2\n`))).toBe(true);
    expect(mayHoldCredentialBytes(cut(clean))).toBe(false);
    expect(mayHoldCredentialBytes(cut(`${clean}  TOKEN: y\n`))).toBe(true);
    expect(mayHoldCredentialBytes(cut(clean))).toBe(false);
  });
});

describe('the screen', () => {
  it('passes a cached Secret only when no spelling of its kind can be there', () => {
    const secret = (kind: string) =>
      `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: s\nstringData:\n  db: hunter2hunter2\n`;
    expect(mayHoldCredential(secret('Secret'))).toBe(true);
    expect(mayHoldCredential(secret('SECRET'))).toBe(true);
    // js-yaml reads "\x53ecret" as Secret: an edited cache must not let it through unscanned.
    expect(mayHoldCredential(secret('"\\x53ecret"'))).toBe(true);
    expect(mayHoldCredentialBytes([Buffer.from(secret('"\\u0053ecret"'))])).toBe(true);
    expect(mayHoldCredential(secret('ConfigMap'))).toBe(false);
  });
});

describe('the screen on base64', () => {
  it('flags a whole file of base64 in short lines, which the scan decodes as one run', () => {
    const b64 = Buffer.from('token: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A\n').toString('base64');
    const text = `${b64.match(/.{1,16}/g)?.join('\n')}\n`;
    expect(mayHoldCredential(text)).toBe(true);
    expect(mayHoldCredentialBytes([Buffer.from(text)])).toBe(true);
    expect(mayHoldCredentialBytes([Buffer.from(text.replace('\n', '\r\n'))])).toBe(true);
    expect(mayHoldCredential('QUtJQUlP\nU0ZPRE5O\n')).toBe(false);
  });

  it('answers as the text screen does for runs of every length near the limit', () => {
    // A run of every length around 24 at every offset, after a run of every length up to 30.
    const run = (length: number) => 'QUFB'.repeat(13).slice(0, length);
    for (let length = 20; length <= 28; length++)
      for (let offset = 1; offset <= 26; offset += offset < 3 ? 1 : 23)
        for (let first = 0; first <= 30; first++)
          for (let at = 0; at <= 24; at++) {
            const text = `${':'.repeat(at)}${run(first)}${':'.repeat(offset)}${run(length)}.x`;
            const expected = mayHoldCredential(text);
            expect(expected).toBe(length >= 24 || first >= 24);
            expect(mayHoldCredentialBytes([Buffer.from(text)]), text).toBe(expected);
          }
    let random = 7;
    const next = () => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random;
    };
    // Letters that decode to text (A-f lead a quartet), others that do not, and what ends a run.
    const alphabets = ['QUFB', 'dGV4', 'zzz9', '+/', '=', ' ', '\n', ':', '-', '\t'];
    const answers = { true: 0, false: 0 };
    for (let file = 0; file < 3000; file++) {
      let text = '';
      for (let piece = next() % 12; piece > 0; piece--) {
        const letters = alphabets[next() % alphabets.length] ?? '';
        const length = next() % 3 ? next() % 30 : 1;
        for (let i = 0; i < length; i++) text += letters[next() % letters.length];
      }
      const expected = mayHoldCredential(text);
      answers[`${expected}`]++;
      expect(mayHoldCredentialBytes([Buffer.from(text)]), JSON.stringify(text)).toBe(expected);
    }
    expect(answers.true).toBeGreaterThan(300);
    expect(answers.false).toBeGreaterThan(300);
  });
});

describe('the screen on files long enough to be walked as two halves', () => {
  it('answers as the text screen does wherever the flagged line is, the cut included', () => {
    const flaggedLines = ['  password: x', '  trailing ', '\ttab', 'kind: Secret', '  a: b\r'];
    for (const length of [60, 61])
      for (let at = 0; at < length; at++)
        for (const line of flaggedLines) {
          const lines = Array.from({ length }, (_, i) => (i === at ? line : `k${i % 10}: v1 x`));
          const text = `${lines.join('\n')}\n`;
          expect(mayHoldCredentialBytes([Buffer.from(text)]), text).toBe(mayHoldCredential(text));
        }
    let random = 3;
    const next = () => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random;
    };
    const clean = ['apiVersion: v1', 'kind: ConfigMap', '  name: cm-1', '  k: v', '---', ''];
    const flagged = ['  password: x', '  trailing ', '\ttab', '  ghp_', 'kind: Secret', '  a: b\r'];
    const answers = { true: 0, false: 0 };
    for (let file = 0; file < 1500; file++) {
      const lines = Array.from({ length: 40 + (next() % 120) }, () => clean[next() % 6] ?? '');
      // None, one or two flagged lines anywhere: the first, the last, either side of the middle.
      for (let k = next() % 3; k > 0; k--)
        lines[next() % lines.length] = flagged[next() % flagged.length] ?? '';
      const text = lines.join('\n') + (next() % 2 ? '\n' : '');
      const expected = mayHoldCredential(text);
      answers[`${expected}`]++;
      expect(mayHoldCredentialBytes([Buffer.from(text)]), text).toBe(expected);
    }
    expect(answers.true).toBeGreaterThan(300);
    expect(answers.false).toBeGreaterThan(300);
  });
});
