import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanTranscript } from '../../src/ingest/clean/clean.js';
import { Redactor } from '../../src/ingest/clean/redact.js';
import { cleanTerminalLine } from '../../src/ingest/clean/terminal.js';
import { HardWrapJoiner } from '../../src/ingest/clean/wrap.js';
import { FileSink, readLineBatches } from '../../src/ingest/read/lines.js';
import { parseMarker } from '../../src/model/markers.js';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { noisyTranscript, random, randomChunks } from '../helpers/noisy-transcript.js';

const dir = fixture(() => tempDir('airgap-clean-'));

/** Ingest's first pass one line at a time: the code cleanTranscript's chunk paths replaced. */
async function cleanLineByLine(
  source: AsyncIterable<Buffer | string>,
  path: string,
  redact: boolean,
) {
  const sink = new FileSink(path);
  sink.beginHash();
  const redactor = new Redactor(redact);
  const bundleIds = new Set<string>();
  let firstEpoch: number | undefined;
  let lines = 0;
  const emit = (clean: string) => {
    const marker = clean.includes('@@airgap/') ? parseMarker(clean) : undefined;
    if (marker) {
      bundleIds.add(marker.bundleId);
      firstEpoch ??= marker.epoch;
    }
    sink.line(clean);
    lines++;
  };
  const joiner = new HardWrapJoiner((line) => redactor.push(line, emit));
  for await (const batch of readLineBatches(source))
    for (const raw of batch) joiner.push(cleanTerminalLine(raw));
  joiner.finish();
  redactor.end(emit);
  const sha256 = sink.endHash();
  sink.close();
  return {
    path,
    sha256,
    lines,
    bundleIds: [...bundleIds].sort(),
    firstEpoch,
    masked: redactor.total,
    maskedByRule: Object.fromEntries(redactor.counts),
    wrapWidth: joiner.uncertainJoins > 0 ? joiner.detected : undefined,
  };
}

async function* stream(chunks: Iterable<Buffer | string>) {
  yield* chunks;
}

let n = 0;
async function both(chunks: () => Iterable<Buffer | string>, redact = true) {
  n++;
  const fast = await cleanTranscript(stream(chunks()), join(dir().path, `fast-${n}.log`), redact);
  const slow = await cleanLineByLine(stream(chunks()), join(dir().path, `slow-${n}.log`), redact);
  return {
    fast: { ...fast, path: '', text: readFileSync(fast.path, 'utf8') },
    slow: { ...slow, path: '', text: readFileSync(slow.path, 'utf8') },
  };
}

describe('cleanTranscript (chunk paths) against the line-by-line pass', () => {
  // Over 5,000 lines each: the wrap joiner decides on the first 5,000, and only then do
  // chunks go through the fast paths.
  it.each([1, 2, 3, 4, 5, 6])('writes the same bytes and findings (seed %i)', async (seed) => {
    const bytes = Buffer.from(noisyTranscript(seed, 12_000));
    const next = random(seed + 100);
    const { fast, slow } = await both(() => randomChunks(bytes, next, 70_000));
    expect(fast.masked).toBeGreaterThan(0);
    expect(fast.bundleIds).toEqual(['many-c2a1284']);
    expect(fast).toEqual(slow);
  });

  it.each([
    [11, 1, true],
    [12, 0.2, true],
    [13, 0.02, true],
    [14, 0.2, false],
  ])(
    'is the same for ASCII text (seed %i, noisy lines %d, CSI escapes only: %s)',
    async (seed, rate, csi) => {
      const bytes = Buffer.from(noisyTranscript(seed, 14_000, { ascii: true, csi, rate }));
      expect(bytes.every((b) => b < 128)).toBe(true);
      const next = random(seed);
      const { fast, slow } = await both(() => randomChunks(bytes, next, 40_000));
      expect(fast.masked).toBeGreaterThan(0);
      expect(fast).toEqual(slow);
    },
  );

  it('is the same when the joiner decides in the middle of one large chunk', async () => {
    // The lines before the decision go to the joiner, the rest of that chunk the fast paths.
    for (const text of [
      noisyTranscript(15, 12_000, { ascii: true, csi: true, rate: 0.2 }),
      noisyTranscript(16, 12_000),
    ]) {
      const { fast, slow } = await both(() => [Buffer.from(text)]);
      expect(fast.masked).toBeGreaterThan(0);
      expect(fast).toEqual(slow);
    }
  });

  it('is the same with tiny chunks (every line and character cut)', async () => {
    const bytes = Buffer.from(noisyTranscript(7, 6_000));
    const next = random(7);
    const { fast, slow } = await both(() => randomChunks(bytes, next, 7));
    expect(fast).toEqual(slow);
  });

  it('is the same without redaction, for string chunks, and without a final newline', async () => {
    const text = `${noisyTranscript(8, 6_000)}last line \x1b[0m`;
    const bytes = Buffer.from(text);
    expect(await both(() => [bytes], false).then((r) => r.fast)).toEqual(
      (await both(() => [bytes], false)).slow,
    );
    const strings = (await both(() => [text.slice(0, 100_000), text.slice(100_000)])) as {
      fast: unknown;
      slow: unknown;
    };
    expect(strings.fast).toEqual(strings.slow);
  });

  it('is the same when the source ends with an empty chunk (a typescript without trailer)', async () => {
    const text = noisyTranscript(10, 6_000);
    for (const end of [Buffer.alloc(0), Buffer.from('')]) {
      const { fast, slow } = await both(() => [Buffer.from(text), end]);
      expect(fast).toEqual(slow);
    }
  });

  it('is the same for invalid UTF-8 and a byte order mark', async () => {
    const body = Buffer.from(noisyTranscript(9, 6_000));
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      body.subarray(0, 1000),
      Buffer.from([0xe2, 0x82, 0x0a, 0xff, 0xc3, 0x28, 0x0a, 0xf0, 0x9f, 0x8e]),
      body.subarray(1000),
      Buffer.from([0xe2, 0x82]),
    ]);
    const next = random(9);
    const { fast, slow } = await both(() => randomChunks(bytes, next, 5_000));
    expect(fast.text.startsWith('\ufeff')).toBe(false);
    expect(fast.text).toContain('\ufffd');
    expect(fast).toEqual(slow);
  });

  it('is the same for a hard-wrapped copy (the joiner takes every line)', async () => {
    const long = Array.from(
      { length: 7_000 },
      (_, i) => `line ${i} ${'x'.repeat(i % 3 === 0 ? 120 : 20)} password=hunter2hunter${i % 10}`,
    );
    const wrapped = long.flatMap((line) => line.match(/.{1,80}/g) ?? []).join('\r\n');
    const { fast, slow } = await both(() => [Buffer.from(wrapped)]);
    expect(fast.wrapWidth).toBe(80);
    expect(fast).toEqual(slow);
  });
});
