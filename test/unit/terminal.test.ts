import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cleanTerminalLine,
  cleanTerminalText,
  removeEscapes,
  settleLine,
} from '../../src/ingest/clean/terminal.js';
import { noisyTranscript } from '../helpers/noisy-transcript.js';
import { projectRoot } from '../helpers/ops-repo.js';

const capture = (name: string) =>
  readFileSync(join(projectRoot, 'test/fixtures/captures', name), 'utf8');
const clean = (text: string) => text.split('\n').map(cleanTerminalLine);

describe('cleanTerminalLine', () => {
  it.each([
    ['CRLF', 'kafkatopic.kafka.strimzi.io/a created\r', 'kafkatopic.kafka.strimzi.io/a created'],
    [
      'colour codes',
      'quote-requested   \x1b[01;31m\x1b[KTrue\x1b[m\x1b[K',
      'quote-requested   True',
    ],
    [
      'bracketed paste and prompt',
      '\x1b[?2004h[ec2-user@ip-10-0-1-23 ~]$ ls\r',
      '[ec2-user@ip-10-0-1-23 ~]$ ls',
    ],
    ['OSC window title', '\x1b]0;ec2-user@ip-10-0-1-23:~\x07$ whoami', '$ whoami'],
    [
      'CR progress keeps the final state',
      'Completed 1/30\rCompleted 2/30\rdownload: done      \r',
      'download: done',
    ],
    ['a shorter redraw leaves the tail, as a terminal does', 'abcdef\rxy', 'xycdef'],
    ['backspaces', 'kubectk\bl get pods', 'kubectl get pods'],
    ['tabs are kept', 'a\tb', 'a\tb'],
    ['trailing spaces go', 'done   ', 'done'],
    ['invalid UTF-8 already decoded stays visible', 'caf\uFFFD', 'caf\uFFFD'],
  ])('%s', (_label, input, expected) => {
    expect(cleanTerminalLine(input)).toBe(expected);
  });

  it('collapses the real aws-cli v2 progress capture to its final line', () => {
    const lines = clean(capture('aws-cli-v2-s3-cp-download.pty.txt')).filter((l) => l !== '');
    expect(lines).toEqual(['download: s3://acme/airgap/dev/b.tar.gz to ./b.tar.gz']);
  });

  it('collapses the real aws-cli v1 progress capture to its final line', () => {
    const lines = clean(capture('aws-cli-v1-s3-cp-download.pty.txt')).filter((l) => l !== '');
    expect(lines.at(-1)).toMatch(/^download: s3:\/\//);
    expect(lines.join('\n')).not.toContain('Completed');
  });

  it('reads the real interactive paste: prompts and output, no escapes', () => {
    const lines = clean(capture('interactive-bash-paste.pty.txt'));
    expect(lines).toContain(
      "sha256sum: 'standard input': no properly formatted checksum lines found",
    );
    expect(lines).toContain('quote-requested   True');
    expect(lines.join('\n')).not.toMatch(/\x1b|\r/);
  });
});

describe('cleanTerminalText (many lines at once)', () => {
  const byLine = (text: string) =>
    text
      .split('\n')
      .map((line, i, all) => (i < all.length - 1 ? `${cleanTerminalLine(line)}\n` : line))
      .join('');

  it.each([1, 2, 3, 4])('leaves each line as cleanTerminalLine does (seed %i)', (seed) => {
    const text = noisyTranscript(seed, 3_000);
    expect(cleanTerminalText(text)).toBe(byLine(text));
  });

  it('cleans a last line without a newline as any other', () => {
    for (const last of ['a\x1b\r', 'done   ', 'x\x1b]0;title', 'ab\rc\r'])
      expect(cleanTerminalText(`a\r\n${last}`)).toBe(`a\n${cleanTerminalLine(last)}`);
  });

  it.each([
    'aws-cli-v2-s3-cp-download.pty.txt',
    'aws-cli-v1-s3-cp-download.pty.txt',
    'interactive-bash-paste.pty.txt',
  ])('gives the real capture %s as line by line', (name) => {
    const text = capture(name);
    expect(cleanTerminalText(text)).toBe(byLine(text));
  });

  it('removeEscapes then settleLine on the lines it leaves as they are', () => {
    const text = 'a\x1b[32mb\x1b[0m\r\n\x1b]0;t\x07c\r\nok\n';
    const removed = removeEscapes(text);
    expect(removed).toBe('ab\nc\nok\n');
    for (const line of removed.split('\n')) expect(settleLine(line)).toBe(line);
  });
});
