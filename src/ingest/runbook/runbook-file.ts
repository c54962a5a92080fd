import { closeSync, existsSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beginLine, endLine, HASH_LENGTH, hashOffset } from '../../docs/managed-block.js';
import { RUNBOOK } from '../../docs/runbook-document.js';
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
      body.beginHash();
      renderRunbook(body, input);
      hash = body.endHash().slice(0, HASH_LENGTH);
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
    full.beginHash();
    renderRunbook(full, input);
    hash = full.endHash().slice(0, HASH_LENGTH);
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
