import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLineBatches } from '../../src/ingest/read/lines.js';
import { openRecording } from '../../src/ingest/read/recording.js';
import { ObjectScanner, sessionEventsText } from '../../src/ingest/read/session-events.js';
import { expectAirgapError } from '../helpers/errors.js';
import { sessionManagerEvents } from '../helpers/session-manager.js';

async function* chunks(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(bytes: Buffer, size = 64) {
  const recording = await openRecording(chunks(bytes, size), 's3://logs/x.log');
  const lines: string[] = [];
  for await (const batch of readLineBatches(recording.bytes)) lines.push(...batch);
  return { format: recording.format, text: lines.join('\n') };
}

// Text a bastion prints: markers, a tab, CRLF line ends from the pty, a quote and a backslash.
const raw =
  '$ bash bastion.sh\r\n@@airgap/1 begin step:1 b=dev-topics-bf50f79 t=1795678062\r\n' +
  'topic.kafka.strimzi.io/quote-requested\tcreated\r\nsay "hi" \\ bye\r\n' +
  Array.from({ length: 30 }, (_, i) => `line ${i} é ✓\r\n`).join('') +
  '@@airgap/1 end step:1 rc=0\r\n';
const expected = raw.replaceAll('\r', '').replaceAll('\t', ' ').trimEnd();

describe('Session Manager streamed logs (JSON events with sessionData)', () => {
  for (const layout of ['lines', 'pretty', 'array', 'cloudwatch-export'] as const) {
    it(`reads ${layout} events as the terminal text, however the bytes are cut`, async () => {
      const bytes = Buffer.from(sessionManagerEvents(raw, { layout, linesPerEvent: 5 }));
      for (const size of [1, 3, 64, 1 << 20]) {
        const { format, text } = await read(bytes, size);
        expect(format).toBe('session-events');
        expect(text).toBe(expected);
      }
    });
  }

  it('reads a Firehose record of CloudWatch events, and a gzipped export', async () => {
    const events = sessionManagerEvents(raw, { linesPerEvent: 4 }).trim().split('\n');
    const record = {
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: '/ssm/sessions',
      logStream: 'operator-0a1b2c3d4e5f67890',
      subscriptionFilters: ['all'],
      logEvents: events.map((message, i) => ({ id: String(i), timestamp: i, message })),
    };
    const control = { messageType: 'CONTROL_MESSAGE', logEvents: [{ message: 'CWL CONTROL' }] };
    const firehose = Buffer.from(JSON.stringify(control) + JSON.stringify(record));
    expect((await read(firehose)).text).toBe(expected);
    const gzipped = gzipSync(
      Buffer.from(sessionManagerEvents(raw, { layout: 'cloudwatch-export' })),
    );
    expect(await read(gzipped, 13)).toEqual({ format: 'session-events', text: expected });
  });

  it('refuses JSON that holds no events, a log cut inside an event, and binary data', async () => {
    const notEvents = Buffer.from('{"eventVersion": "1.0", "other": [1, 2]}\n');
    const a = await expectAirgapError(read(notEvents));
    expect(a.message).toBe(
      's3://logs/x.log is not a Session Manager session log: none of its 1 JSON object(s) has sessionData',
    );
    const cut = Buffer.from(sessionManagerEvents(raw).slice(0, -40));
    const b = await expectAirgapError(read(cut));
    expect(b.message).toContain('ends inside a JSON object');
    expect(b.exitCode).toBe(20);
    const binary = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 8, 0]);
    const c = await expectAirgapError(read(binary));
    expect(c.message).toBe(
      's3://logs/x.log is not a session log or terminal transcript (binary data)',
    );
  });

  it('a raw session log (escapes, CRs) passes through as terminal text', async () => {
    const { format, text } = await read(Buffer.from(`\x1b[?2004h${raw}`));
    expect(format).toBe('terminal');
    expect(text).toBe(`\x1b[?2004h${raw}`.replace(/\n$/, ''));
  });
});

describe('ObjectScanner', () => {
  it('finds top-level objects across pieces, ignoring braces inside strings', async () => {
    const text =
      'x {"a": "}{\\"é✓\\\\", "b": {"c": [1, {"d": 2}]}} y [{"e": 1}, {"f": "]\\\\\\""}] {"g":';
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 5, bytes.length]) {
      const scanner = new ObjectScanner();
      const found: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size)
        found.push(...scanner.push(bytes.subarray(i, i + size)));
      expect(found.map((o) => JSON.parse(o.toString('utf8')))).toEqual([
        { a: '}{"é✓\\', b: { c: [1, { d: 2 }] } },
        { e: 1 },
        { f: ']\\"' },
      ]);
      expect(scanner.open).toBe(true);
    }
  });

  it('sessionEventsText yields nothing for an event with no lines', async () => {
    const out: string[] = [];
    const source = [Buffer.from('{"sessionData": []}{"sessionData": ["a"]}')];
    for await (const t of sessionEventsText(source as unknown as AsyncIterable<Buffer>, 'n'))
      out.push(t);
    expect(out.join('')).toBe('a\n');
  });
});
