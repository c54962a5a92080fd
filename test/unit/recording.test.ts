import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanTerminalLine } from '../../src/ingest/clean/terminal.js';
import { readLineBatches } from '../../src/ingest/read/lines.js';
import { openRecording } from '../../src/ingest/read/recording.js';
import { fold } from '../helpers/fold.js';
import { projectRoot } from '../helpers/ops-repo.js';

const capture = (name: string) => readFileSync(join(projectRoot, 'test/fixtures/captures', name));

async function* chunks(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function shown(bytes: Buffer, size = 64) {
  const recording = await openRecording(chunks(bytes, size), 'rec');
  const lines: string[] = [];
  for await (const batch of readLineBatches(recording.bytes))
    for (const line of batch) lines.push(cleanTerminalLine(line));
  return { format: recording.format, lines };
}

// The session's output as `tmux capture-pane -J` copied it, without the prompt lines.
const expected = readFileSync(
  join(projectRoot, 'test/fixtures/captures/tmux-80col-joined.txt'),
  'utf8',
)
  .split('\n')
  .slice(1, 8)
  .map((l) => l.trimEnd());

describe('openRecording on real recordings of the same session', () => {
  it('reads an asciinema v2 cast as the terminal showed it', async () => {
    const { format, lines } = await shown(capture('session.cast'));
    expect(format).toBe('asciicast');
    expect(lines).toEqual(expected);
  });

  it('reads a script(1) typescript without its header and trailer, in any chunking', async () => {
    for (const size of [7, 64, 1 << 16]) {
      const { format, lines } = await shown(capture('session.typescript'), size);
      expect(format).toBe('typescript');
      expect(lines).toEqual(expected);
    }
  });

  it('drops the header and trailer of a typescript folded at 80 and 40 columns, in any chunking', async () => {
    const text = capture('session.typescript').toString('latin1').replaceAll('\r', '');
    for (const width of [80, 40]) {
      const fold = new RegExp(`.{1,${width}}`, 'g');
      const folded = text
        .split('\n')
        .map((line) => line.match(fold)?.join('\n') ?? line)
        .join('\n');
      // Really folded: the header and the trailer are each more than one line now.
      expect(folded.split('\n')[0]).not.toMatch(/\]$/);
      for (const size of [7, 64, 1 << 16]) {
        const { format, lines } = await shown(Buffer.from(folded, 'latin1'), size);
        expect(format).toBe('typescript');
        expect(lines.join('\n')).not.toMatch(/Script|COMMAND|TERM=/);
        expect(lines.filter((l) => l !== '').length).toBeGreaterThan(0);
      }
    }
  });

  it('undoes `fold -w N` of a typescript: cuts inside escape sequences and redraws, in any chunking', async () => {
    // A line editor's echo as bash 5.2 writes it (bracketed-paste highlighting, a redraw) and a
    // line of highlighted pieces: fold cuts inside an escape sequence at both widths.
    const [header, ...body] = capture('session.typescript')
      .toString('latin1')
      .split(/(?<=\n)/);
    const echo = `bash-5.2# \x1b[7mAIRGAP_NONCE=$(command od -An -N4 -tx1 /dev/urandom | command tr -d ' \x1b[27m\x1b[7m\\\x1b[27m\r\x1b[7m\\n') || :\x1b[27m\r\n`;
    const pieces = `${'\x1b[7mab\x1b[27m'.repeat(20)}\r\n`;
    const typescript = Buffer.from([header, echo, pieces, ...body].join(''), 'latin1');
    const unfolded = (await shown(typescript)).lines;
    for (const width of [80, 40]) {
      const folded = fold(typescript, width);
      expect(folded.toString('latin1')).toMatch(/\x1b\[\d*\n/);
      for (const size of [7, 64, 1 << 16]) {
        const { format, lines } = await shown(folded, size);
        expect(format).toBe('typescript');
        expect(lines).toEqual(unfolded);
      }
    }
  });

  it('keeps every line end of a typescript that is not folded or whose lines end in a bare LF', async () => {
    // Lines of exactly the header's width are no cut of fold's: nothing joins them with the
    // prompt below, when the typescript was not folded (one header line) or when its own line
    // ends are bare LFs (no CR LF: no telling fold's from the session's).
    const text = capture('session.typescript').toString('latin1');
    const lfOnly = fold(Buffer.from(text.replaceAll('\r', ''), 'latin1'), 80);
    const bareLf = text.replace('\r\nshort line after', '\nshort line after');
    for (const copy of [lfOnly, Buffer.from(bareLf, 'latin1')])
      for (const size of [7, 64, 1 << 16]) {
        const { lines } = await shown(copy, size);
        const eighty = lines.findIndex((l) => l.startsWith('exactly-eighty-characters'));
        expect(lines[eighty]).toHaveLength(80);
        expect(lines[eighty + 1]).toBe('short line after an exactly-80 line');
      }
    // The folded LF-only copy keeps fold's lines too: each is a line of the runbook, as before.
    const { lines } = await shown(lfOnly);
    expect(lines).toContain(
      'kubectl apply --server-side --field-manager=ops -f k8s/uat/apps/orders-service-d',
    );
  });

  it('keeps every line after the header of an older script(1) or BusyBox, however they end', async () => {
    // util-linux before 2.35 (Amazon Linux 2's) and BusyBox write no bracket: a prompt and an
    // output line ending in `]` below it are the session's, not a folded header's tail.
    const session = ['[ec2-user@bastion ~]$ ls', 'foo [bar]', '[ec2-user@bastion ~]$ exit', 'exit'];
    for (const header of [
      'Script started on Mon 07 Dec 2026 02:00:00 AM UTC',
      'Script started on Mon Dec  7 02:00:00 2026',
    ])
      for (const size of [7, 64, 1 << 16]) {
        const typescript = `${header}\n${session.join('\n')}\n\nScript done on Mon 07 Dec 2026\n`;
        const { format, lines } = await shown(Buffer.from(typescript), size);
        expect(format).toBe('typescript');
        expect(lines.filter((l) => l !== '')).toEqual(session);
      }
  });

  it('reads a v3 cast (intervals, comments, other event types)', async () => {
    const v3 = [
      '{"version": 3, "term": {"cols": 80, "rows": 24}, "timestamp": 1795678062}',
      '# a comment line',
      '[0.1, "o", "first \\u001b[32mline\\u001b[0m\\r\\nsec"]',
      '[0.2, "i", "typed"]',
      '[0.1, "m", "a marker"]',
      '[0.1, "o", "ond line\\r\\n"]',
      '[0.1, "x", "0"]',
    ].join('\n');
    const { format, lines } = await shown(Buffer.from(v3), 5);
    expect(format).toBe('asciicast');
    expect(lines).toEqual(['first line', 'second line']);
  });

  it('passes a plain copy through, and names the line of a broken cast', async () => {
    const { format, lines } = await shown(Buffer.from('plain\r\ncopy\n'));
    expect(format).toBe('terminal');
    expect(lines).toEqual(['plain', 'copy']);
    await expect(
      shown(Buffer.from('{"version": 2}\n[0.1, "o", "x"]\nnot json\n[0.2, "o", "y"]\n')),
    ).rejects.toThrow('rec:3: not an asciicast event');
  });

  it('keeps a cast cut by a dropped session up to its last whole event', async () => {
    const cut = '{"version": 2}\n[0.1, "o", "kept\\r\\n"]\n[0.2, "o", "half an ev';
    const { format, lines } = await shown(Buffer.from(cut), 9);
    expect(format).toBe('asciicast');
    expect(lines).toEqual(['kept']);
  });

  it('reads lone-CR line ends as line ends', async () => {
    const { format, lines } = await shown(Buffer.from('first\rsecond\r\rfourth\r'), 4);
    expect(format).toBe('terminal');
    expect(lines).toEqual(['first', 'second', '', 'fourth']);
  });
});
