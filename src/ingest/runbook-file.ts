import { createHash } from 'node:crypto';
import { appendFileSync, createReadStream, existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { upsertManagedBlock } from '../docs/managed-block.js';
import type { DocumentWrite } from '../util/transaction.js';
import { FileSink } from './lines.js';
import { type RunbookInput, renderRunbook } from './runbook.js';
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
  const body = new FileSink(join(work, 'runbook-body.md'));
  try {
    renderRunbook(body, input);
  } finally {
    body.close();
  }
  const abs = join(root, rel);
  if (existsSync(abs)) {
    const before = await readFile(abs, 'utf8');
    const lines = (await readFile(body.path, 'utf8')).replace(/\n$/, '').split('\n');
    const after = upsertManagedBlock(before, 'runbook', lines);
    return after === before ? undefined : { rel, content: after };
  }
  const hash = await blockHashOfFile(body.path);
  const full = new FileSink(join(work, 'runbook-full.md'));
  full.line(`<!-- airgap:begin runbook sha256=${hash} (managed by airgap; edits are kept) -->`);
  full.close();
  for await (const chunk of createReadStream(body.path)) appendFileSync(full.path, chunk as Buffer);
  appendFileSync(
    full.path,
    '<!-- airgap:end runbook -->\n\n## Notes\n\nAdd notes here: airgap only rewrites the block above.\n',
  );
  return { rel, fromFile: full.path };
}

/** sha256 of a file's text as managed-block lines: everything but the final newline. */
export async function blockHashOfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  for await (const chunk of createReadStream(path)) {
    if (held) hash.update(held);
    const buffer = chunk as Buffer;
    hash.update(buffer.subarray(0, buffer.length - 1));
    held = buffer.subarray(buffer.length - 1);
  }
  if (held && held[0] !== 10) hash.update(held);
  return hash.digest('hex').slice(0, 12);
}
