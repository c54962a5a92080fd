import { isUtf8 } from 'node:buffer';
import { MARKER_TAG } from '../../model/markers.js';
import { readLineRegions } from '../read/line-regions.js';
import type { Spooler } from './spooler.js';

const MARKER = Buffer.from(MARKER_TAG);
const NEWLINE = 0x0a;

/**
 * Feeds a cleaned transcript to the spooler a chunk at a time. Only lines that can change the
 * parser's state are decoded one by one: marker lines and the context line after a begin
 * marker. The output between them, nearly all of a transcript, goes to the spool as bytes
 * (outputRun); text outside the blocks is decoded a run at a time and pushed line by line.
 * The result is the same as pushing every line (spool.test.ts checks it on generated input).
 */
export function scanTranscript(path: string, spooler: Spooler, chunkBytes?: number): void {
  // Decoding a run of whole lines on its own is decoding it in the stream: a `\n` ends any
  // incomplete sequence. The BOM is dropped at the start of the file only, as a stream would.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let offset = 0;
  for (let region of readLineRegions(path, chunkBytes)) {
    let start = offset;
    offset += region.length;
    if (start === 0 && region[0] === 0xef && region[1] === 0xbb && region[2] === 0xbf) {
      region = region.subarray(3);
      start = 3;
    }
    const whole = region.lastIndexOf(NEWLINE) + 1;
    scanLines(region.subarray(0, whole), start, spooler, decoder);
    // The last line of a file without a final newline (the spool adds one: not its bytes).
    if (whole < region.length) spooler.push(decoder.decode(region.subarray(whole)));
  }
}

/** `bytes` is whole lines, each ending with `\n`, found at `offset` in the transcript. */
function scanLines(bytes: Buffer, offset: number, spooler: Spooler, decoder: TextDecoder): void {
  let marker = bytes.indexOf(MARKER);
  let pos = 0;
  while (pos < bytes.length) {
    if (marker >= 0 && marker < pos) marker = bytes.indexOf(MARKER, pos);
    // Up to the line holding the next marker, no line can open or close an attempt.
    const stop = marker < 0 ? bytes.length : bytes.lastIndexOf(NEWLINE, marker) + 1;
    const target = spooler.bulkTarget;
    if (stop === pos || (!target && spooler.awaitingOwnContext)) {
      const next = bytes.indexOf(NEWLINE, pos) + 1;
      const line = bytes.subarray(pos, next - 1);
      const at = isUtf8(line) ? { start: offset + pos, end: offset + next } : undefined;
      spooler.push(decoder.decode(line), at);
      pos = next;
      continue;
    }
    const run = bytes.subarray(pos, stop);
    if (target && isUtf8(run)) spooler.outputRun(target, run, offset + pos);
    else pushLines(decoder.decode(run), spooler);
    pos = stop;
  }
}

/** Text of whole lines, each ending with `\n`. */
function pushLines(text: string, spooler: Spooler): void {
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
    spooler.push(text.slice(start, end));
    start = end + 1;
  }
}
