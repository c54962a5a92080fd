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
