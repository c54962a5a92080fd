import { closeSync, openSync, readSync, statSync } from 'node:fs';
import {
  beginLine,
  beginPattern,
  endLine,
  endPattern,
  fenceOpen,
} from '../../docs/managed-block.js';
import { readLineRegions } from '../read/line-regions.js';
import { FileSink } from '../read/lines.js';

const NEWLINE = 0x0a;

/** Over the lines of a hand edit that ingest moved out of the block (runbook-edits.ts). */
export const KEPT_HEADING = '## Kept from a hand edit of the block above';

interface Located {
  /**
   * Byte offsets of the block, from its begin marker to the end of its end marker; `content`,
   * the lines between the marker lines; `hash`, the one the begin marker records.
   */
  block?: { start: number; end: number; content: { start: number; end: number }; hash?: string };
  eol: '\n' | '\r\n';
}

/**
 * findManagedBlock and detectEol of src/docs/managed-block.ts over a file, without reading it
 * into a string: a runbook can be hundreds of megabytes, nearly all inside fences. A line is
 * decoded only when it could matter (it starts like a fence or a marker); inside a fence the
 * scan jumps from one occurrence of the fence's character to the next.
 */
export function locateBlock(path: string, name: string, chunkBytes?: number): Located {
  const beginRe = beginPattern(name);
  const endRe = endPattern(name);
  let eol: Located['eol'] | undefined;
  let fence: string | undefined;
  let begin: { at: number; after: number; hash: string | undefined } | undefined;
  let offset = 0;
  for (const region of readLineRegions(path, chunkBytes)) {
    const base = offset;
    offset += region.length;
    if (eol === undefined) {
      const lf = region.indexOf(NEWLINE);
      eol = lf > 0 && region[lf - 1] === 0x0d ? '\r\n' : '\n';
    }
    for (let pos = 0; pos < region.length; ) {
      if (fence !== undefined) {
        // Only a line holding the fence's character can close it.
        const at = region.indexOf(fence.charCodeAt(0), pos);
        if (at < 0) break;
        pos = region.lastIndexOf(NEWLINE, at) + 1;
      }
      const newline = region.indexOf(NEWLINE, pos);
      const end = newline < 0 ? region.length : newline;
      const start = pos;
      pos = end + 1;
      const first = region[start + (region[start] === 32 ? 1 : 0)];
      if (first !== 96 && first !== 126 && first !== 60 && first !== 32) continue;
      const line = region.toString('utf8', start, end);
      if (fence !== undefined) {
        const trimmed = line.replace(/\r$/, '').trim();
        const char = fence.charAt(0);
        if (trimmed.length >= fence.length && [...trimmed].every((c) => c === char))
          fence = undefined;
        continue;
      }
      const open = fenceOpen.exec(line.replace(/\r$/, ''));
      if (open && !(open[1]?.startsWith('`') && open[2]?.includes('`'))) {
        fence = open[1];
        continue;
      }
      if (first !== 60 && first !== 32) continue;
      // Offsets in bytes: what precedes `<` on the line may be more than one byte a character.
      const markerAt = base + start + Buffer.byteLength(line.slice(0, line.indexOf('<')));
      if (begin === undefined) {
        const found = beginRe.exec(line);
        if (found) begin = { at: markerAt, after: base + pos, hash: found[1] };
        continue;
      }
      const match = endRe.exec(line);
      if (match)
        return {
          block: {
            start: begin.at,
            end: markerAt + Buffer.byteLength(match[0].trim()),
            content: { start: begin.after, end: base + start },
            ...(begin.hash ? { hash: begin.hash } : {}),
          },
          eol,
        };
    }
  }
  return { eol: eol ?? '\n' };
}

/**
 * upsertManagedBlock of a document file with a block body in another file (its lines joined
 * by `\n`, `hash` the block hash of them), written to `out`. Bytes outside the block are
 * copied as they are; `kept` (lines a person wrote in the old block, runbook-edits.ts) go
 * right after it, outside, under a heading that says where they came from. False when the
 * result is the document unchanged.
 */
export function upsertBlockFile(
  docPath: string,
  name: string,
  bodyPath: string,
  hash: string,
  out: string,
  /** Bytes read at a time (tests make it small). */
  chunkBytes?: number,
  kept: readonly string[] = [],
): boolean {
  const { block, eol } = locateBlock(docPath, name, chunkBytes);
  const size = statSync(docPath).size;
  const sink = new FileSink(out);
  try {
    if (block) sink.copyFrom(docPath, 0, block.start);
    else if (size) {
      sink.copyFrom(docPath);
      sink.write(lastByte(docPath, size) === NEWLINE ? eol : eol + eol);
    }
    sink.write(beginLine(name, hash));
    sink.write(eol);
    if (eol === '\n') sink.copyFrom(bodyPath);
    else
      for (const region of readLineRegions(bodyPath))
        sink.write(region.toString('utf8').replaceAll('\n', eol));
    sink.write(`${eol}${endLine(name)}`);
    if (kept.length) sink.write([eol, KEPT_HEADING, '', ...kept].join(eol));
    if (block) sink.copyFrom(docPath, block.end);
    else sink.write(eol);
  } finally {
    sink.close();
  }
  return !block || !sameBytes(docPath, out);
}

function lastByte(path: string, size: number): number | undefined {
  const byte = Buffer.alloc(1);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, byte, 0, 1, size - 1);
  } finally {
    closeSync(fd);
  }
  return byte[0];
}

function sameBytes(a: string, b: string): boolean {
  if (statSync(a).size !== statSync(b).size) return false;
  const [left, right] = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)];
  const [fa, fb] = [openSync(a, 'r'), openSync(b, 'r')];
  try {
    for (;;) {
      const n = readSync(fa, left, 0, left.length, null);
      const m = readSync(fb, right, 0, n, null);
      if (n !== m) return false;
      if (n === 0) return true;
      if (!left.subarray(0, n).equals(right.subarray(0, n))) return false;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}
