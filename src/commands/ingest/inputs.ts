import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AirgapError } from '../../errors.js';
import {
  type TroubleAdvice,
  troubleAdvice,
  troubleWithoutMarkers,
} from '../../ingest/parse/paste-trouble.js';
import { FileChunks } from '../../ingest/read/file-chunks.js';
import { type BundleRecord, recordPath } from '../../model/record.js';
import { parseRecordLazily } from '../../model/record-check.js';
import type { CommandContext } from '../context.js';
import type { IngestOptions } from './types.js';

// What ingest reads besides the repo's documents: the transcript, the bundle's record, and why
// a transcript holds no markers. Each turns a missing or wrong input into the user's error.

/** The read phase: checked before the lock is taken, opened when the clean phase asks. */
export function openTranscript(
  options: IngestOptions,
  context: CommandContext,
): () => AsyncIterable<Buffer> {
  const input = options.input;
  if (input) return () => input.bytes;
  if (options.transcript === '-') return context.stdin;
  const path = resolve(context.cwd, options.transcript);
  if (!existsSync(path)) {
    throw new AirgapError(`transcript not found: ${options.transcript}`, {
      hint: 'save the pasted terminal output to a file, or pipe it in with -',
      code: 'usage',
    });
  }
  // A folder was "this is a bug in airgap: EISDIR" (exit 70).
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => /\.(txt|log)$/.test(f))
      .sort();
    throw new AirgapError(`${options.transcript} is a directory: pass the transcript file`, {
      hint: files.length
        ? `files in it: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}`
        : 'save the pasted terminal output to a file, or pipe it in with -',
      code: 'usage',
    });
  }
  // 2 MiB reads: the clean pass turns a chunk into one string when it is not ASCII (or once a
  // known value is searched for in it; ASCII chunks are read as bytes, see AsciiText), and V8
  // makes a string over 1 MB an external one (one copy) but a smaller one a heap string: 200 MB
  // as 256 KiB strings cost 0.5-0.9 s CPU, as 2 MiB strings 0.03-0.05 s. Read into reused
  // buffers (see FileChunks).
  return () => new FileChunks(path, 1 << 21);
}

/**
 * Why a transcript holds no markers, when the shell said so (paste-trouble.ts): the advice for
 * the error's hint, naming the helper blocks of the bundle its unit calls name when the repo
 * knows it.
 */
export async function adviceWithoutMarkers(
  root: string,
  path: string,
): Promise<TroubleAdvice[] | undefined> {
  const { trouble, bundleId } = await troubleWithoutMarkers(path);
  if (!trouble.size) return undefined;
  const known = bundleId !== undefined && existsSync(join(root, recordPath(bundleId)));
  const record = known ? await loadRecord(root, bundleId).catch(() => undefined) : undefined;
  return [...trouble].sort().map((t) => troubleAdvice(t, record));
}

export async function loadRecord(root: string, bundleId: string): Promise<BundleRecord> {
  const recordFile = join(root, recordPath(bundleId));
  if (!existsSync(recordFile)) {
    throw new AirgapError(
      `the repo does not know bundle ${bundleId} (no ${recordPath(bundleId)})`,
      {
        hint: 'ingest in the ops repo that built it, after committing bundles/records/ from `airgap bundle`',
        code: 'unknownBundle',
      },
    );
  }
  // What the zod-free check accepts is what the schema gives (record-check.ts): a 1,000-step
  // record's zod parse was ~25-40 ms of this thread. Anything else gets parseRecord's message.
  return parseRecordLazily(await readFile(recordFile, 'utf8'), recordFile);
}
