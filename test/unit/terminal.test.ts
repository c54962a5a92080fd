import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanTerminalLine } from '../../src/ingest/terminal.js';
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
