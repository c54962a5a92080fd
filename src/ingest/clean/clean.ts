import { MARKER_TAG, parseMarker } from '../../model/markers.js';
import { type LinesText, lineFilter } from '../../secrets/index.js';
import { GzipFile } from '../../util/gzip-file.js';
import { ChunkSink } from '../read/chunk-sink.js';
import { readTextChunks, type TextChunk } from '../read/text-chunks.js';
import { cleanAsciiLines } from './ascii-lines.js';
import { AsciiText } from './ascii-text.js';
import { Redactor } from './redact.js';
import { cleanTerminalText, removeEscapes, settleLine } from './terminal.js';
import { HardWrapJoiner } from './wrap.js';

export interface CleanResult {
  path: string;
  sha256: string;
  lines: number;
  bundleIds: string[];
  firstEpoch: number | undefined;
  masked: number;
  maskedByRule: Record<string, number>;
  /** The copy was hard-wrapped at this width and lines of exactly that width were joined. */
  wrapWidth: number | undefined;
  /** The copy gzipped (see CleanOptions.gzipOver), being written on another thread. */
  gzipped?: GzipFile;
}

export interface CleanOptions {
  /**
   * Once the copy is larger than `bytes`, gzip it into `path` on another thread while it is
   * still written: the kept transcript is compressed when over the repo's file limit, and
   * compressing it after the rest of ingest was wall time.
   */
  gzipOver?: {
    bytes: number;
    path: string;
    /**
     * The source is larger than `bytes` (a terminal paste over the limit): the copy likely
     * ends over it too, so the gzip thread starts at the first write and hashes all of it; the
     * first 50 MiB were ~33 ms of sha256 on this thread. A copy that still ends under the limit
     * keeps the thread's digest and drops its gzip.
     */
    likely?: boolean;
  };
  /** Hands back each source chunk this pass is done with (FileChunks.recycle). */
  recycle?: (chunk: Buffer) => void;
}

const MARKER_TEXT = MARKER_TAG;
const NEWLINE = Buffer.from('\n');
/** Lines cleaned at once while the wrap joiner takes them one by one. */
const JOINER_SLICE = 1024;

/**
 * First pass over a paste: terminal noise removed and secrets masked, written to `path`.
 * This cleaned text is what the repo keeps and what the runbook is rendered from.
 * Works on chunks of whole lines: escapes removed from the whole chunk (one loop over an ASCII
 * chunk's bytes, else one regex pass each), the line filter finds the lines holding a secret
 * keyword or terminal redraws, and runs of the other lines are written as they are; only the
 * flagged lines are handled one by one. Each line comes out as cleanTerminalLine, the wrap
 * joiner and the Redactor leave it line by line (test/unit/clean.test.ts compares the two).
 */
export async function cleanTranscript(
  source: AsyncIterable<Buffer | string>,
  path: string,
  redact: boolean,
  options: CleanOptions = {},
): Promise<CleanResult> {
  // The sink hashes what it writes: hashing line by line costs more than cleaning. A copy
  // large enough to be gzipped is hashed by the gzip thread instead, which reads all of it
  // anyway (~0.65 ms of sha256 per MB: 0.13 s of this thread on 200 MB). Its digest comes once
  // it has read the last byte, before its gzip ends. (A thread of its own for the hash cost
  // 0.2-0.3 s more CPU, a second read and a second isolate.)
  const sink = new ChunkSink(path);
  let gzipped: GzipFile | undefined;
  const over = options.gzipOver;
  if (over)
    sink.onWrite = (written) => {
      if (gzipped) gzipped.grow(written);
      else if (written > over.bytes || over.likely) {
        gzipped = new GzipFile(path, over.path, written, true);
        sink.stopHashing();
      }
    };
  const redactor = new Redactor(redact);
  const filter = lineFilter();
  const bundleIds = new Set<string>();
  let firstEpoch: number | undefined;
  let lines = 0;
  let sha256 = '';
  let bytes = Buffer.alloc(0);
  // Wrapped lines are joined before secrets are looked for: a key cut in two would not match.
  const accept = (line: string) => {
    lines++;
    redactor.push(line, emit);
  };
  const joiner = new HardWrapJoiner(accept);
  try {
    for await (const chunk of readTextChunks(source, options.recycle)) {
      const length = chunk.ascii ? chunk.bytes.length : chunk.text.length;
      // Until the joiner has decided (5,000 lines), lines go to it one by one; the rest of the
      // chunk then takes the fast paths. The first 2 MiB chunk (~35,000 lines) went line by
      // line as a whole before: most of a 20 MB ingest's clean pass.
      let at = 0;
      while (at < length && !joiner.passingThrough) at = joinerLines(chunk, at, length);
      if (at >= length) continue;
      if (chunk.ascii) asciiLines(at === 0 ? chunk.bytes : chunk.bytes.subarray(at));
      else textLines(at === 0 ? chunk.text : chunk.text.slice(at));
    }
    joiner.finish();
    redactor.end(emit);
    sha256 = sink.digest();
    gzipped?.end(sink.written);
    if (gzipped?.sha256) sha256 = await gzipped.sha256;
    if (gzipped && over && sink.written <= over.bytes) {
      // Started early (`likely`), for a copy that ended under the limit: kept as it is.
      await gzipped.cancel();
      gzipped = undefined;
    }
  } catch (error) {
    await gzipped?.cancel();
    throw error;
  } finally {
    sink.close();
  }
  return {
    path,
    sha256,
    lines,
    bundleIds: [...bundleIds].sort(),
    firstEpoch,
    masked: redactor.total,
    maskedByRule: Object.fromEntries(redactor.counts),
    wrapWidth: joiner.uncertainJoins > 0 ? joiner.detected : undefined,
    ...(gzipped ? { gzipped } : {}),
  };

  /**
   * The next JOINER_SLICE lines of the chunk from `from` (offsets in its text), cleaned at once
   * and given to the joiner one by one, or past it once it passes lines through. Returns
   * where they end.
   */
  function joinerLines(chunk: TextChunk, from: number, length: number): number {
    let to = from;
    for (let n = 0; n < JOINER_SLICE && to < length; n++) {
      const end = chunk.ascii ? chunk.bytes.indexOf(10, to) : chunk.text.indexOf('\n', to);
      to = end < 0 ? length : end + 1;
    }
    const raw = chunk.ascii ? chunk.bytes.toString('latin1', from, to) : chunk.text.slice(from, to);
    // A last line without a newline is cleaned as any other line.
    const cleaned = cleanTerminalText(raw.endsWith('\n') ? raw : `${raw}\n`).split('\n');
    cleaned.pop();
    for (const line of cleaned) {
      if (joiner.passingThrough) accept(line);
      else joiner.push(line);
    }
    return to;
  }

  /** Lines of text: escapes removed with regexes, then the filter and the Redactor. */
  function textLines(chunk: string): void {
    const text = removeEscapes(chunk.endsWith('\n') ? chunk : `${chunk}\n`);
    const flagged = filter.flagged(text);
    pushLines(text, flagged.starts, flagged.lines, (from, to) => sink.text(text.slice(from, to)));
  }

  /**
   * ASCII lines: offsets in the text are offsets in its bytes, and runs are written as bytes.
   * One loop cleans and flags the common chunk (cleanAsciiLines); regexes take the others.
   */
  function asciiLines(chunk: Buffer): void {
    const raw = chunk[chunk.length - 1] === 10 ? chunk : Buffer.concat([chunk, NEWLINE]);
    if (bytes.length < raw.length) bytes = Buffer.allocUnsafe(raw.length * 2);
    let done = cleanAsciiLines(raw, bytes);
    if (!done) {
      const length = bytes.write(removeEscapes(raw.toString('latin1')), 0, 'latin1');
      done = { ...filter.flaggedBytes(bytes, length), length };
    }
    // The cleaned bytes read as text, without a string of the whole chunk (see AsciiText).
    const text = new AsciiText(bytes, done.length);
    pushLines(text, done.starts, done.lines, (from, to) => sink.bytes(bytes.subarray(from, to)));
  }

  /**
   * Both paths' last step: flagged lines go one by one through the Redactor, the runs between
   * them are written as they are (`write`), and the markers in those runs are read on the way.
   */
  function pushLines(
    text: LinesText,
    starts: readonly number[],
    count: number,
    write: (from: number, to: number) => void,
  ): void {
    const markers = markerLines(text);
    lines += count;
    redactor.pushText(text, starts, emit, emitRun, settleLine);
    function emitRun(from: number, to: number): void {
      markers.parse(from, to);
      write(from, to);
    }
  }

  function marker(line: string): void {
    const found = parseMarker(line);
    if (found) {
      if (!bundleIds.has(found.bundleId)) bundleIds.add(Buffer.from(found.bundleId).toString());
      firstEpoch ??= found.epoch;
    }
  }

  function emit(clean: string): void {
    if (clean.includes(MARKER_TEXT)) marker(clean);
    sink.line(clean);
  }

  /** The lines of `text` holding a marker, parsed when a run that holds them is written. */
  function markerLines(text: LinesText) {
    const starts: number[] = [];
    for (let at = text.indexOf(MARKER_TEXT); at >= 0; at = text.indexOf(MARKER_TEXT, at)) {
      starts.push(text.lastIndexOf('\n', at) + 1);
      at = text.indexOf('\n', at);
    }
    let next = 0;
    return {
      parse(from: number, to: number): void {
        while (next < starts.length && (starts[next] as number) < from) next++;
        for (; next < starts.length && (starts[next] as number) < to; next++) {
          const start = starts[next] as number;
          marker(text.slice(start, text.indexOf('\n', start)));
        }
      },
    };
  }
}
