import { open, writeFile } from 'node:fs/promises';
import { writeFully } from './fs.js';

/** Bytes written per call when text goes out through one buffer. */
const SLICE = 1024 * 1024;

/**
 * `writeFile(path, text, { mode })`: the same file. Large ASCII text (a 50,000-file record is
 * 9 MB) goes out through one 1 MiB buffer, as latin1 writes it (the same bytes as UTF-8 for
 * ASCII): writeFile made a Buffer of the whole text first, and that fresh memory cost 50 ms of
 * the main thread where the slices cost 8 (9 MB, load 8). Other text goes to writeFile.
 */
export async function writeText(path: string, text: string, mode?: number): Promise<void> {
  if (text.length <= SLICE || Buffer.byteLength(text) !== text.length) {
    await writeFile(path, text, mode === undefined ? {} : { mode });
    return;
  }
  const file = await open(path, 'w', mode);
  try {
    const buffer = Buffer.allocUnsafeSlow(SLICE);
    for (let at = 0; at < text.length; at += SLICE) {
      const length = buffer.write(text.slice(at, at + SLICE), 0, 'latin1');
      await writeFully(file, buffer.subarray(0, length), path);
    }
  } finally {
    await file.close();
  }
}
