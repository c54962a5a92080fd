import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { HASH_LENGTH } from '../../docs/managed-block.js';
import { locateBlock } from './runbook-update.js';

/**
 * The lines a person wrote into a runbook's block, which a later ingest would replace: those
 * of the block that the new body does not have, blank lines aside. Empty when the block is as
 * airgap last wrote it (its hash holds), which is every ingest but one after a hand edit: the
 * marker says "edits are kept", as airgap's table blocks keep theirs (managed-table.ts).
 * Only then is the old block read whole, with the new body's lines to compare.
 */
export function handEditedLines(
  docPath: string,
  name: string,
  bodyPath: string,
  chunkBytes?: number,
): string[] {
  const { block } = locateBlock(docPath, name, chunkBytes);
  if (!block?.hash || block.content.end <= block.content.start) return [];
  const { start, end } = block.content;
  if (contentHash(docPath, start, end, chunkBytes) === block.hash) return [];
  const fresh = new Set(readFileSync(bodyPath, 'utf8').split('\n'));
  return rangeText(docPath, start, end)
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '' && !fresh.has(line));
}

/**
 * The block hash (managed-block.ts: its lines joined by `\n`, CRs before line ends dropped) of
 * bytes start..end of a file, read a megabyte at a time: a runbook can be hundreds of them.
 */
function contentHash(path: string, start: number, end: number, size?: number): string {
  const hash = createHash('sha256');
  // A line end is hashed only once the next byte shows it is not the block's last.
  let held = Buffer.alloc(0);
  for (const chunk of rangeChunks(path, start, end, size)) {
    let bytes = held.length ? Buffer.concat([held, chunk]) : chunk;
    if (bytes.includes(0x0d))
      bytes = Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const last = bytes[bytes.length - 1];
    const keep = last === 0x0a || last === 0x0d ? 1 : 0;
    hash.update(bytes.subarray(0, bytes.length - keep));
    held = Buffer.from(bytes.subarray(bytes.length - keep));
  }
  return hash.digest('hex').slice(0, HASH_LENGTH);
}

function* rangeChunks(path: string, start: number, end: number, size = 1 << 20): Generator<Buffer> {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(Math.min(size, end - start));
  try {
    for (let at = start; at < end; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
      if (read === 0) return;
      at += read;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

function rangeText(path: string, start: number, end: number): string {
  return Buffer.concat([...rangeChunks(path, start, end)].map((c) => Buffer.from(c))).toString(
    'utf8',
  );
}
