import { describe, expect, it } from 'vitest';
import { cleanTerminalLine } from '../../src/ingest/clean/terminal.js';
import { type ParseEvent, TranscriptParser } from '../../src/ingest/parse/parser.js';

const id = 'dev-topics-3f2a1c9';
const begin = (n: number, kind = 'step', t = 1770973200) =>
  `@@airgap/1 begin ${id} ${n} ${kind} ${t}`;
const end = (n: number, rc: number | 'skip', kind = 'step', t = 1770973201) =>
  `@@airgap/1 end ${id} ${n} ${kind} ${rc === 'skip' ? 'skip' : `rc=${rc}`} ${t}`;

function parse(text: string) {
  const parser = new TranscriptParser();
  const events: ParseEvent[] = [];
  for (const raw of text.split('\n')) parser.push(cleanTerminalLine(raw), (e) => events.push(e));
  parser.finish((e) => events.push(e));
  const output = new Map<number, string[]>();
  const other: string[] = [];
  for (const e of events) {
    if (e.type === 'output') {
      const list = output.get(e.attempt.seq) ?? [];
      list.push(e.text);
      output.set(e.attempt.seq, list);
    }
    if (e.type === 'other') other.push(e.text);
  }
  return { attempts: parser.attempts, output, other };
}

describe('TranscriptParser', () => {
  it('splits output by unit, reads the context line, keeps everything else', () => {
    const { attempts, output, other } = parse(
      [
        `[ec2-user@ip ~]$ airgap_run 4 step 0 'kubectl apply -f a.yaml'`,
        begin(4),
        '[2026-02-13T09:00:00Z ip-10-0-1-23] $ kubectl apply -f a.yaml',
        'kafkatopic.kafka.strimzi.io/a created',
        end(4, 0),
        'typed by hand',
      ].join('\r\n'),
    );
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      n: 4,
      kind: 'step',
      rc: 0,
      complete: true,
      host: 'ip-10-0-1-23',
      utc: '2026-02-13T09:00:00Z',
      commandEcho: 'kubectl apply -f a.yaml',
    });
    expect(output.get(0)).toEqual(['kafkatopic.kafka.strimzi.io/a created']);
    expect(other).toEqual([
      `[ec2-user@ip ~]$ airgap_run 4 step 0 'kubectl apply -f a.yaml'`,
      'typed by hand',
    ]);
  });

  it('marks a block cut off mid-paste as incomplete', () => {
    const { attempts } = parse([begin(4), 'partial output', begin(5), 'more'].join('\n'));
    expect(attempts.map((a) => [a.n, a.complete])).toEqual([
      [4, false],
      [5, false],
    ]);
  });

  it('reads a skipped step and tracks backtick runs for fencing', () => {
    const { attempts } = parse(
      [begin(5), 'output with ```` four ticks', end(5, 'skip')].join('\n'),
    );
    expect(attempts[0]).toMatchObject({ skipped: true, longestBackticks: 4 });
  });

  it('counts an end marker only with the nonce of its begin marker', () => {
    const nonce = 's=0a1b2c3d';
    const { attempts, output } = parse(
      [
        `${begin(4)} ${nonce}`,
        'printing an old log:',
        end(4, 0), // no nonce: printed by the step
        `${end(4, 0)} s=ffffffff`, // another paste's nonce
        `${begin(5)} s=ffffffff`, // a begin in the output does not open a unit either
        `${end(4, 1)} ${nonce}`,
      ].join('\n'),
    );
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ n: 4, rc: 1, complete: true, foreignMarkers: 3 });
    expect(output.get(0)).toHaveLength(4);
  });

  it('gives back an output line that a rejoined copy glued to a context line', () => {
    const parser = new TranscriptParser((kind, n) =>
      kind === 'step' && n === 4 ? 'kubectl apply -f a.yaml' : undefined,
    );
    const output: string[] = [];
    for (const line of [
      begin(4),
      '[2026-02-13T09:00:00Z ip-10-0-1-23] $ kubectl apply -f a.yamlkafkatopic/a created',
      'second line',
      end(4, 0),
    ])
      parser.push(line, (e) => {
        if (e.type === 'output') output.push(e.text);
      });
    expect(parser.attempts[0]?.commandEcho).toBe('kubectl apply -f a.yaml');
    expect(output).toEqual(['kafkatopic/a created', 'second line']);
  });

  describe('a context line cut where the fold fell on a space (the copy dropped it)', () => {
    const command = 'kubectl create namespace argocd --dry-run=client -o yaml | kubectl apply -f -';
    const context = `[2026-12-07T05:25:00Z vm] $ ${command}`;
    const run = (lines: string[], expected: string | null = command) => {
      const parser = new TranscriptParser((kind, n) =>
        kind === 'step' && n === 4 ? (expected ?? undefined) : undefined,
      );
      const output: string[] = [];
      for (const line of [begin(4), ...lines, end(4, 0)])
        parser.push(line, (e) => {
          if (e.type === 'output') output.push(e.text);
        });
      return { echo: parser.attempts[0]?.commandEcho, output };
    };
    // tmux capture-pane -p without -J: the row of 80 ends in a space, trimmed to 79.
    const head = context.slice(0, 79);
    const tail = context.slice(80);

    it('takes the next lines as the rest of the command, with or without the space', () => {
      expect(context[79]).toBe(' ');
      expect(run([head, tail, 'namespace/argocd unchanged'])).toEqual({
        echo: command,
        output: ['namespace/argocd unchanged'],
      });
      // A rejoin glued the first output line to the last piece: given back to the output.
      expect(run([head, `${tail}namespace/argocd unchanged`, 'x'])).toEqual({
        echo: command,
        output: ['namespace/argocd unchanged', 'x'],
      });
      // Cut over three rows: a piece that kept its space, then one that lost it.
      expect(run([context.slice(0, 40), context.slice(40, 79), tail, 'y'])).toEqual({
        echo: command,
        output: ['y'],
      });
    });

    it('never takes an output line after a whole command, nor a line that does not go on', () => {
      // The command ends where the row does: the next line is output, even if it could go on.
      const whole = 'kubectl create namespace argocd --dry-run=client -o';
      expect(run([head, 'yaml | kubectl apply -f -'], whole)).toEqual({
        echo: whole,
        output: ['yaml | kubectl apply -f -'],
      });
      // Cut, but what follows is not the rest: output, and the echo stays as the copy has it.
      expect(run([head, 'namespace/argocd unchanged'])).toEqual({
        echo: head.slice(head.indexOf('$ ') + 2),
        output: ['namespace/argocd unchanged'],
      });
      // Without the record's command nothing is taken: the old reading.
      expect(run([head, tail], null).output).toEqual([tail]);
    });
  });

  it('keeps a 1 MB line whole', () => {
    const long = 'x'.repeat(1024 * 1024);
    const { output } = parse([begin(4), long, end(4, 0)].join('\n'));
    expect(output.get(0)?.[0]).toHaveLength(1024 * 1024);
  });

  it('keeps 100,000 lines as 100,000 lines', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i}`);
    const { output } = parse([begin(4), ...lines, end(4, 0)].join('\n'));
    expect(output.get(0)).toHaveLength(100_000);
    expect(output.get(0)?.[99_999]).toBe('line 99999');
  });
});
