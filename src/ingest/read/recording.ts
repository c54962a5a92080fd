import { createGunzip } from 'node:zlib';
import { AirgapError } from '../../errors.js';
import { MARKER_TAG } from '../../model/markers.js';
import { FoldBreaks } from './fold-breaks.js';
import { readLineBatches } from './lines.js';
import { looksLikeSessionEvents, sessionEventsText } from './session-events.js';

/**
 * Terminal recordings operators already make, turned back into the bytes the terminal showed:
 * asciinema casts (v2: `[time, "o", data]`; v3: `[interval, "o", data]`, `#` comments) and
 * `script(1)` typescripts (the "Script started/done" lines dropped), Session Manager's streamed
 * JSON events (see session-events.ts). Gzip is undone first (CloudWatch exports to S3 are
 * gzipped). Anything else is a copy or a raw session log and passes through; binary data
 * (a NUL byte near the start) is refused, since it cannot be either.
 */
export type RecordingFormat = 'asciicast' | 'typescript' | 'session-events' | 'terminal';

export interface Recording {
  format: RecordingFormat;
  bytes: AsyncIterable<Buffer | string>;
}

const SCRIPT_STARTED = 'Script started on ';
// Its line, and what a copy folded at the terminal's width made of it (`fold -w 40` at worst).
const SCRIPT_DONE = /\r?\nScript done on [^\n]*(?:\r?\n[^\n]+){0,3}\r?\n?$/;

export async function openRecording(
  source: AsyncIterable<Buffer | string>,
  name: string,
): Promise<Recording> {
  const iterator = source[Symbol.asyncIterator]();
  // Enough of the start to tell the formats apart, however the source is chunked.
  const parts: Buffer[] = [];
  let size = 0;
  while (size < 256) {
    const next = await iterator.next();
    if (next.done) break;
    const part = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    parts.push(part);
    size += part.length;
  }
  const head = Buffer.concat(parts);
  const rest: AsyncIterable<Buffer | string> = {
    [Symbol.asyncIterator]: () => iterator,
  };
  async function* all(): AsyncGenerator<Buffer | string> {
    if (head.length) yield head;
    yield* rest;
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return openRecording(gunzip(all(), name), name);
  if (head.subarray(0, 256).includes(0)) {
    throw new AirgapError(`${name} is not a session log or terminal transcript (binary data)`, {
      hint: 'pass the terminal copy, a session log, a typescript or an asciinema cast',
      code: 'transcript',
    });
  }
  const start = head.subarray(0, 200).toString('latin1');
  if (looksLikeSessionEvents(start))
    return { format: 'session-events', bytes: sessionEventsText(all(), name) };
  if (/^\s*\{\s*"version"\s*:\s*[23]\b/.test(start))
    return { format: 'asciicast', bytes: castOutput(all(), name) };
  if (start.startsWith(SCRIPT_STARTED))
    return { format: 'typescript', bytes: typescriptBody(all()) };
  // Lines ended by a lone CR (a classic Mac save, some Windows tools): no LF in the first
  // chunk, only CRs. Read as line ends, or the whole copy would redraw one line.
  if (!head.includes(0x0a) && head.includes(0x0d))
    return { format: 'terminal', bytes: crLines(all()) };
  return { format: 'terminal', bytes: all() };
}

async function* crLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const bytes = Buffer.from(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    for (let i = bytes.indexOf(0x0d); i >= 0; i = bytes.indexOf(0x0d, i + 1)) bytes[i] = 0x0a;
    yield bytes;
  }
}

async function* gunzip(
  source: AsyncIterable<Buffer | string>,
  name: string,
): AsyncGenerator<Buffer> {
  const inflate = createGunzip();
  const feed = (async () => {
    for await (const chunk of source)
      if (!inflate.write(chunk)) await new Promise((r) => inflate.once('drain', r));
    inflate.end();
  })();
  feed.catch((error: unknown) => inflate.destroy(error as Error));
  try {
    for await (const chunk of inflate) yield chunk as Buffer;
    await feed;
  } catch (error) {
    if (error instanceof AirgapError) throw error;
    throw new AirgapError(`${name} is gzip that does not inflate: ${(error as Error).message}`, {
      hint: 'download the object again; a cut or damaged .gz cannot be read',
      code: 'transcript',
      cause: error,
    });
  }
}

async function* castOutput(
  source: AsyncIterable<Buffer | string>,
  name: string,
): AsyncGenerator<string> {
  let line = 0;
  let out: string[] = [];
  // A line that is not an event is refused only when another line follows it: the last line
  // of a recording cut by a dropped session is half an event, and what came before is kept.
  let broken: number | undefined;
  for await (const batch of readLineBatches(source)) {
    for (const text of batch) {
      line++;
      if (line === 1 || text.trim() === '' || text.startsWith('#')) continue;
      if (broken !== undefined) {
        throw new AirgapError(`${name}:${broken}: not an asciicast event`, {
          hint: 'pass the .cast file asciinema wrote, unedited (one JSON array per line)',
          code: 'transcript',
        });
      }
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch {
        broken = line;
        continue;
      }
      if (Array.isArray(event) && event[1] === 'o' && typeof event[2] === 'string')
        out.push(event[2]);
    }
    if (out.length) {
      yield out.join('');
      out = [];
    }
  }
}

/**
 * Where the body begins after `Script started on <date> [COMMAND="…" TERM="…" …]`: after its
 * line, or, when a copy folded it at the terminal's width (`fold -w 80`), after the line that
 * closes its bracket, within a few lines; -1 until that much has arrived. The rest of a folded
 * header would otherwise stay in the runbook's Other output. `folded` is the width it was
 * folded at (its first line's), when it was.
 */
function headerEnd(buffer: Buffer, final = false): { end: number; folded?: number } {
  const { at, lines } = headerLines(buffer, final);
  if (lines < 2) return { end: at };
  const first = buffer.indexOf(10);
  return { end: at, folded: first - (buffer[first - 1] === 13 ? 1 : 0) };
}

/** headerEnd's search: where the header ends (-1 until known) and how many lines it has. */
function headerLines(buffer: Buffer, final: boolean): { at: number; lines: number } {
  const one = (at: number) => ({ at, lines: 1 });
  const first = buffer.indexOf(10);
  if (first < 0) return { at: -1, lines: 0 };
  const lineAt = (from: number, to: number) =>
    buffer.subarray(from, to).toString('latin1').replace(/\r$/, '');
  let header = lineAt(0, first);
  // Only util-linux 2.35 on writes the bracket, after an ISO date: the header of an older one
  // (`Script started on Mon 07 Dec 2026 02:00:00 AM UTC`) or BusyBox's is its line alone, and
  // the lines after it are the session's, however they end.
  if (header.endsWith(']') || !BRACKETED.test(header)) return one(first + 1);
  // Folded: the lines that follow are no longer than the first, and one closes the bracket.
  const width = header.length;
  let from = first + 1;
  for (let more = 0; more < HEADER_FOLDS; more++) {
    const newline = buffer.indexOf(10, from);
    if (newline < 0) return final || buffer.length >= 4096 ? one(first + 1) : { at: -1, lines: 0 };
    const next = lineAt(from, newline);
    if (next.length > width || next.startsWith(MARKER_TAG)) break;
    header += next;
    from = newline + 1;
    if (next.endsWith(']'))
      return header.includes(' [') ? { at: from, lines: more + 2 } : one(first + 1);
  }
  return one(first + 1);
}

/** The start of a header that ends in `[COMMAND=… TERM=…]`, even folded at 40 columns. */
const BRACKETED = /^Script started on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/;

/** A header folded at 40 columns or more spans at most this many more lines. */
const HEADER_FOLDS = 8;

/** The typescript without its header line and its "Script done" trailer. */
async function* typescriptBody(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let started = false;
  let held = Buffer.alloc(0);
  // A header folded at N columns: the body was folded too, and fold's breaks are taken out
  // (fold-breaks.ts).
  let unfold: FoldBreaks | undefined;
  const start = (header: { end: number; folded?: number }) => {
    started = true;
    if (header.folded) unfold = new FoldBreaks(header.folded);
  };
  for await (const chunk of source) {
    let buffer = Buffer.concat([held, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    if (!started) {
      const header = headerEnd(buffer);
      if (header.end < 0) {
        held = buffer;
        continue;
      }
      buffer = buffer.subarray(header.end);
      start(header);
    }
    // Hold back the tail: the trailer is only known to be one at the end.
    const keep = Math.min(buffer.length, 512);
    if (buffer.length > keep) {
      const body = buffer.subarray(0, buffer.length - keep);
      const out = unfold ? unfold.push(body) : body;
      if (out.length) yield out;
    }
    held = buffer.subarray(buffer.length - keep);
  }
  if (!started) {
    // All of it arrived before the header was known to end: cut it where it can.
    const header = headerEnd(held, true);
    if (header.end >= 0) {
      held = held.subarray(header.end);
      start(header);
    }
  }
  const tail = held.toString('latin1');
  const trailer = started ? SCRIPT_DONE.exec(tail) : null;
  const body = trailer ? held.subarray(0, trailer.index) : held;
  yield unfold ? Buffer.concat([unfold.push(body), unfold.finish()]) : body;
}
