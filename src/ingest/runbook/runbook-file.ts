import { closeSync, existsSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beginLine, endLine, HASH_LENGTH, hashOffset } from '../../docs/managed-block.js';
import { RUNBOOK } from '../../docs/runbook-document.js';
import type { GzipFile } from '../../util/gzip-file.js';
import type { DocumentWrite } from '../../util/transaction.js';
import { FileSink } from '../read/lines.js';
import { type RunbookInput, renderRunbook } from './runbook.js';
import { handEditedLines } from './runbook-edits.js';
import { upsertBlockFile } from './runbook-update.js';
import { RUNBOOKS_DIR } from './transcripts.js';

/** The runbook keeps its first name (its first day) however many pastes follow. */
export function runbookPath(root: string, bundleId: string, firstDay: string): string {
  const dir = join(root, RUNBOOKS_DIR);
  const found = existsSync(dir)
    ? readdirSync(dir).find((f) => f.endsWith(`-${bundleId}.md`))
    : undefined;
  return `${RUNBOOKS_DIR}/${found ?? `${firstDay}-${bundleId}.md`}`;
}

/** The runbook's write, and how many lines of a hand edit in its block it moved out of it. */
export type RunbookWrite = DocumentWrite & { keptLines?: number };

/**
 * Renders the runbook body to a file (its output blocks can be large) and wraps it in the
 * document's managed block: a new runbook gets a Notes section, an existing one keeps
 * everything outside the block, and what a person wrote inside it (handEditedLines), below
 * it. Undefined when nothing changed. With `hasher` (the kept transcript's gzip thread, which
 * hashes), the body is hashed there as it is written.
 */
export async function runbookWrite(
  root: string,
  rel: string,
  input: RunbookInput,
  work: string,
  hasher?: GzipFile,
): Promise<RunbookWrite | undefined> {
  const abs = join(root, rel);
  if (existsSync(abs)) {
    // The block is replaced in a copy of the file, without reading either into memory.
    const body = new FileSink(join(work, 'runbook-body.md'));
    let hash: string;
    try {
      hash = (await renderHashed(body, (sink) => renderRunbook(sink, input), hasher)).slice(
        0,
        HASH_LENGTH,
      );
    } finally {
      body.close();
    }
    const after = join(work, 'runbook-full.md');
    const kept = handEditedLines(abs, RUNBOOK.block, body.path);
    if (!upsertBlockFile(abs, RUNBOOK.block, body.path, hash, after, undefined, kept))
      return undefined;
    return { rel, fromFile: after, ...(kept.length ? { keptLines: kept.length } : {}) };
  }
  // A new runbook is written once, in place: the block's hash (of its lines, so of the body
  // without its last line end) is taken as the body is written, then put into the header.
  const full = new FileSink(join(work, 'runbook-full.md'));
  let hash: string;
  try {
    full.line(beginLine(RUNBOOK.block, '0'.repeat(HASH_LENGTH)));
    hash = (await renderHashed(full, (sink) => renderRunbook(sink, input), hasher)).slice(
      0,
      HASH_LENGTH,
    );
    full.write(`\n${endLine(RUNBOOK.block)}\n\n${RUNBOOK.notes}`);
  } finally {
    full.close();
  }
  const fd = openSync(full.path, 'r+');
  try {
    writeSync(fd, hash, hashOffset(RUNBOOK.block));
  } finally {
    closeSync(fd);
  }
  return { rel, fromFile: full.path };
}

/**
 * The body `render` writes into `sink` from where it is, and the sha256 of those bytes: taken
 * by `hasher`'s thread when it can follow the file (the bench's 176 MB body was ~0.11 s of
 * sha256 on this thread, while the other core was idle), else by the sink.
 */
export async function renderHashed(
  sink: FileSink,
  render: (sink: FileSink) => void,
  hasher: GzipFile | undefined,
): Promise<string> {
  const away = hasher?.follow(sink.path, sink.position);
  if (!away) {
    sink.beginHash();
    render(sink);
    return sink.endHash();
  }
  sink.onWrite = (written) => away.grow(written);
  try {
    render(sink);
    return await away.end(sink.position);
  } finally {
    sink.onWrite = undefined;
  }
}
