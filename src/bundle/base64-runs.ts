/**
 * Runs of base64 long enough to hide a key, found without decoding most of them: shared by the
 * credential detector (credentials.ts), its one-pass form (keyword-pass.ts) and the scan cache's
 * screen (credential-screen.ts).
 */

/** Long enough to hide a key (binaryData, `data:` values, an encoded file). */
export const MIN_BASE64_RUN = 24;

export function isBase64Char(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 47
  );
}

/** A run of base64 characters and its offset in the text. */
export interface Base64Run {
  run: string;
  index: number;
}

/** Runs of base64 characters, found in one pass (a regex retries at every offset). */
export function base64Runs(text: string): Base64Run[] {
  const runs: Base64Run[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isBase64Char(text.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= MIN_BASE64_RUN && mayDecodeToText(text, start, i))
      runs.push({ run: text.slice(start, i), index: start });
    start = -1;
  }
  return runs;
}

/**
 * A byte of 0x80 or more is not text. The first character of each base64 quartet holds its
 * first byte's top six bits, so any character past `f` there means such a byte: counting them
 * rejects most runs (random identifiers, hashes) without decoding them.
 */
export function mayDecodeToText(text: string | Uint8Array, start: number, end: number): boolean {
  const bytes = Math.floor(((end - start) * 3) / 4);
  if (bytes < 16) return false;
  // More than 5% of the bytes unprintable is not text (decodedText's test).
  const needed = Math.ceil(bytes * 0.05);
  let high = 0;
  for (let at = start; at + 1 < end; at += 4) {
    const code = typeof text === 'string' ? text.charCodeAt(at) : (text[at] as number);
    const sextetBelow32 = (code >= 65 && code <= 90) || (code >= 97 && code <= 102);
    if (!sextetBelow32 && ++high >= needed) return false;
  }
  return true;
}
