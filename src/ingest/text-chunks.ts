import { isAscii } from 'node:buffer';

/**
 * A byte stream as text in chunks of whole lines: each chunk but the last ends with `\n`, and a
 * line is never cut, so chunk-wide regexes see every line whole. Decoded as readLineBatches
 * decodes (invalid UTF-8 becomes U+FFFD, a leading byte order mark is dropped): cutting the
 * bytes only after a `\n` never splits a character, so decoding chunk by chunk equals decoding
 * the whole.
 */
export interface TextChunk {
  text: string;
  /** Every character is ASCII (one byte each once encoded): known from the bytes, for free. */
  ascii: boolean;
}

const NEWLINE = 10;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export async function* readTextChunks(
  source: AsyncIterable<Buffer | string>,
): AsyncGenerator<TextChunk> {
  let held: Buffer[] = [];
  let text = '';
  let ascii = true;
  let started = false;
  const decode = (bytes: Buffer) => {
    let from = 0;
    if (!started && bytes.length) {
      started = true;
      if (bytes.subarray(0, 3).equals(BOM)) from = 3;
    }
    if (!isAscii(bytes)) ascii = false;
    return bytes.toString('utf8', from);
  };
  const take = (cut: number): TextChunk => {
    const chunk = { text: text.slice(0, cut), ascii };
    text = text.slice(cut);
    ascii = true;
    return chunk;
  };
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      // Strings (a recording's decoded output) need no decoding: only held bytes before them.
      if (held.length) text += decode(Buffer.concat(held));
      held = [];
      text += chunk;
      ascii = false;
      const cut = text.lastIndexOf('\n') + 1;
      if (cut > 0) yield take(cut);
      continue;
    }
    const cut = chunk.lastIndexOf(NEWLINE) + 1;
    if (cut === 0) {
      held.push(chunk);
      continue;
    }
    held.push(chunk.subarray(0, cut));
    text += decode(held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held));
    held = cut < chunk.length ? [chunk.subarray(cut)] : [];
    yield take(text.length);
  }
  if (held.length) text += decode(Buffer.concat(held));
  if (text !== '') yield take(text.length);
}
