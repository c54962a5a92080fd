/**
 * How a bundle record is read against its schema (record.ts): the JSON, then its format tag,
 * then the fields; each failure is a user error with its own exit code and a way out.
 */
import type * as z from 'zod';
import { AirgapError } from '../errors.js';
import { BUNDLE_FORMAT } from './record-format.js';

/** The line JSON.parse stopped at (V8 names a character position). */
function jsonErrorLine(text: string, error: unknown): number {
  const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
  return position ? text.slice(0, Number(position)).split('\n').length : 1;
}

const REBUILD_HINT = 'rebuild the bundle with airgap bundle (records are written by airgap only)';

/**
 * zod's per-parse option to skip compiling each object schema into a parser (`new Function`):
 * a command parses a record or two, and the compile cost more than it saved. A cold record
 * parse took 16 ms of CPU compiled, 7 ms without (medians of 7 fresh processes, load 8-10);
 * 100 parses in one process cost the same either way.
 */
const ONE_SHOT = { jitless: true } as const;

export function parseTagged<T extends { files: readonly unknown[] }>(
  text: string,
  source: string,
  schema: z.ZodType<T>,
  ignoredKeys: readonly string[] = [],
): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // Damaged JSON (a bad merge, a hand edit, a truncated copy) has its own exit code and line.
    throw new AirgapError(
      `${source}: not a bundle record: ${(error as Error).message} (line ${jsonErrorLine(text, error)})`,
      {
        hint: `restore it from git (git checkout -- <file>), or ${REBUILD_HINT}`,
        code: 'corruptFile',
      },
    );
  }
  const format =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? (raw as Record<string, unknown>).format
      : undefined;
  if (format !== BUNDLE_FORMAT) {
    const found = typeof format === 'string' ? `format ${format}` : 'no format tag';
    throw new AirgapError(
      `${source}: bundle record has ${found}; this airgap reads ${BUNDLE_FORMAT}`,
      {
        hint:
          typeof format === 'string'
            ? `read it with the airgap version that wrote it, or ${REBUILD_HINT}`
            : REBUILD_HINT,
        code: 'integrity',
      },
    );
  }
  const fields = { ...(raw as Record<string, unknown>) };
  for (const key of ignoredKeys) delete fields[key];
  const files = fields.files;
  if (Array.isArray(files) && files.every(isPlainBundleFile)) {
    // 50,000 files through zod took a quarter of a second; these passed the same rules by hand.
    const rest = schema.safeParse({ ...fields, files: [] }, ONE_SHOT);
    if (rest.success) return { ...rest.data, files: files as T['files'] };
  }
  const result = schema.safeParse(fields, ONE_SHOT);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`,
  );
  throw new AirgapError(
    `${source}: invalid bundle record (${problems.length} problem${problems.length > 1 ? 's' : ''})`,
    { details: problems.slice(0, 10), hint: REBUILD_HINT, code: 'integrity' },
  );
}

const FILE_KEYS = new Set(['path', 'size', 'mode', 'sha256', 'linkTarget']);
const GIT_MODE = /^[0-7]{6}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** What bundleFileSchema accepts, checked without zod; anything else goes through zod for its message. */
function isPlainBundleFile(file: unknown): boolean {
  if (!file || typeof file !== 'object' || Array.isArray(file)) return false;
  const f = file as Record<string, unknown>;
  for (const key in f) if (!FILE_KEYS.has(key)) return false;
  return (
    typeof f.path === 'string' &&
    f.path.length > 0 &&
    Number.isSafeInteger(f.size) &&
    (f.size as number) >= 0 &&
    typeof f.mode === 'string' &&
    GIT_MODE.test(f.mode) &&
    typeof f.sha256 === 'string' &&
    SHA256_HEX.test(f.sha256) &&
    (f.linkTarget === undefined || typeof f.linkTarget === 'string')
  );
}
