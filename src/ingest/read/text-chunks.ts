import { isAscii } from 'node:buffer';

/**
 * A byte stream in chunks of whole lines: each chunk but the last ends with `\n`, and a line is
 * never cut, so chunk-wide regexes see every line whole. An ASCII chunk comes as its bytes (the
 * bytes are the text, one per character); another as text, decoded as readLineBatches decodes
 * (invalid UTF-8 becomes U+FFFD, a leading byte order mark is dropped): cutting the bytes only
 * after a `\n` never splits a character, so decoding chunk by chunk equals decoding the whole.
 */
export type TextChunk = { ascii: true; bytes: Buffer } | { ascii: false; text: string };

const NEWLINE = 10;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export async function* readTextChunks(
  source: AsyncIterable<Buffer | string>,
  /**
   * Called with each source chunk once no part of it is held or handed out any more (the
   * caller asked for the next): see FileChunks. Then the bytes held past a chunk are copied.
   */
  recycle?: (chunk: Buffer) => void,
): AsyncGenerator<TextChunk> {
  const keep = recycle ? (bytes: Buffer) => Buffer.from(bytes) : (bytes: Buffer) => bytes;
  let held: Buffer[] = [];
  let text = '';
  let started = false;
  const decode = (bytes: Buffer) => {
    let from = 0;
    if (!started && bytes.length) {
      started = true;
      if (bytes.subarray(0, 3).equals(BOM)) from = 3;
    }
    return bytes.toString('utf8', from);
  };
  /** Held bytes (whole lines, or the end), with any text before them, as one chunk. */
  const take = (): TextChunk => {
    const bytes = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held);
    held = [];
    if (text === '' && isAscii(bytes)) {
      started ||= bytes.length > 0;
      return { ascii: true, bytes };
    }
    const chunk: TextChunk = { ascii: false, text: text + decode(bytes) };
    text = '';
    return chunk;
  };
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      // Strings (a recording's decoded output) need no decoding: only held bytes before them.
      if (held.length) text += decode(Buffer.concat(held));
      held = [];
      text += chunk;
      const cut = text.lastIndexOf('\n') + 1;
      if (cut > 0) {
        yield { ascii: false, text: text.slice(0, cut) };
        text = text.slice(cut);
      }
      continue;
    }
    const cut = chunk.lastIndexOf(NEWLINE) + 1;
    if (cut === 0) {
      held.push(keep(chunk));
      recycle?.(chunk);
      continue;
    }
    let from = 0;
    if (held.length) {
      // The line the last chunk cut, completed, is a chunk of its own: joining the held bytes
      // to the whole of this one copied every byte of a transcript once more.
      from = chunk.indexOf(NEWLINE) + 1;
      held.push(chunk.subarray(0, from));
      yield take();
    }
    if (from < cut) {
      held.push(chunk.subarray(from, cut));
      const lines = take();
      if (cut < chunk.length) held.push(keep(chunk.subarray(cut)));
      yield lines;
    } else if (cut < chunk.length) held.push(keep(chunk.subarray(cut)));
    recycle?.(chunk);
  }
  // The end: a last line without a newline, if any (an empty chunk is no line).
  const end = held.length ? take() : { ascii: false as const, text };
  if (end.ascii ? end.bytes.length > 0 : end.text !== '') yield end;
}
