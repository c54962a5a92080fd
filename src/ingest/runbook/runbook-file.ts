import { closeSync, existsSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beginLine, endLine, HASH_LENGTH, hashOffset } from '../../docs/managed-block.js';
import { RUNBOOK } from '../../docs/runbook-document.js';
import { FileHash } from '../../util/gzip-file.js';
import type { DocumentWrite } from '../../util/transaction.js';
import { FileSink } from '../read/lines.js';
import { type RunbookInput, renderRunbook } from './runbook.js';
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

/**
 * Renders the runbook body to a file (its output blocks can be large) and wraps it in the
 * document's managed block: a new runbook gets a Notes section, an existing one keeps
 * everything outside the block. Undefined when nothing changed.
 */
export async function runbookWrite(
  root: string,
  rel: string,
  input: RunbookInput,
  work: string,
): Promise<DocumentWrite | undefined> {
  const abs = join(root, rel);
  if (existsSync(abs)) {
    // The block is replaced in a copy of the file, without reading either into memory.
    const body = new FileSink(join(work, 'runbook-body.md'));
    let hash: string;
    try {
      hash = (await renderHashed(body, (sink) => renderRunbook(sink, input))).slice(0, HASH_LENGTH);
    } finally {
      body.close();
    }
    const after = join(work, 'runbook-full.md');
    return upsertBlockFile(abs, RUNBOOK.block, body.path, hash, after)
      ? { rel, fromFile: after }
      : undefined;
  }
  // A new runbook is written once, in place: the block's hash (of its lines, so of the body
  // without its last line end) is taken as the body is written, then put into the header.
  const full = new FileSink(join(work, 'runbook-full.md'));
  let hash: string;
  try {
    full.line(beginLine(RUNBOOK.block, '0'.repeat(HASH_LENGTH)));
    hash = (await renderHashed(full, (sink) => renderRunbook(sink, input))).slice(0, HASH_LENGTH);
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
 * A body over this many bytes is hashed on another thread (see renderHashed); off by default.
 * With it on over 48 MiB, the bench's 200 MB ingest took 1.704 and 1.807 s against 1.616-1.638 s
 * with it off (quiet A/B, 2026-12-06 16:46, load 1.2-1.8): the thread's start and its second
 * read of the body cost more than the ~115 ms of sha256 it takes off the main thread.
 */
export const HASH_AWAY_OVER = Number.POSITIVE_INFINITY;

/**
 * Renders the runbook body into `sink` (`render`) and returns its sha256. Once it is over `away`
 * bytes, a thread reads it from its start and hashes it while this one writes the rest: the
 * bench's 200 MB paste makes a 176 MB body, ~115 ms of sha256 that was all on this thread.
 */
export async function renderHashed(
  sink: FileSink,
  render: (sink: FileSink) => void,
  away = HASH_AWAY_OVER,
): Promise<string> {
  const start = sink.position;
  sink.beginHash();
  let thread: FileHash | undefined;
  sink.onWrite = (written) => {
    if (thread) thread.grow(written);
    else if (written - start > away) {
      thread = new FileHash(sink.path, start, written);
      sink.stopHashing();
    }
  };
  try {
    render(sink);
    const here = sink.endHash();
    sink.onWrite = undefined;
    if (!thread) return here;
    thread.end(sink.position);
    return await thread.sha256;
  } catch (error) {
    sink.onWrite = undefined;
    await thread?.cancel();
    throw error;
  }
}
