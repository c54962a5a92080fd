import { sha256Hex } from '../util/hash.js';

/**
 * A managed block is the only part of a human document airgap writes:
 *   <!-- airgap:begin NAME sha256=XXXXXXXXXXXX (do not edit by hand) -->
 *   …lines…
 *   <!-- airgap:end NAME -->
 * The hash of what airgap last wrote tells a hand edit apart from airgap's own output.
 */
export interface ManagedBlock {
  /** Lines between the markers, without line ends. */
  lines: string[];
  /** True when the content no longer matches the hash airgap recorded. */
  editedByHand: boolean;
}

export interface LocatedBlock extends ManagedBlock {
  start: number;
  end: number;
}

const beginPattern = (name: string) =>
  new RegExp(`<!-- airgap:begin ${name}(?: sha256=([0-9a-f]+))?[^>]*-->`);
const endPattern = (name: string) => new RegExp(`<!-- airgap:end ${name} -->`);

export function detectEol(text: string): '\r\n' | '\n' {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

function contentHash(lines: readonly string[]): string {
  return sha256Hex(lines.join('\n')).slice(0, 12);
}

export function findManagedBlock(text: string, name: string): LocatedBlock | undefined {
  const begin = beginPattern(name).exec(text);
  if (!begin) return undefined;
  const afterBegin = text.indexOf('\n', begin.index);
  if (afterBegin < 0) return undefined;
  const endMatch = endPattern(name).exec(text.slice(afterBegin));
  if (!endMatch) return undefined;
  const endIndex = afterBegin + endMatch.index;
  const inner = text.slice(afterBegin + 1, endIndex);
  const lines = inner.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  return {
    lines,
    editedByHand: begin[1] !== undefined && begin[1] !== contentHash(lines),
    start: begin.index,
    end: endIndex + endMatch[0].length,
  };
}

function renderBlock(name: string, lines: readonly string[], eol: string): string {
  return [
    `<!-- airgap:begin ${name} sha256=${contentHash(lines)} (managed by airgap; edits are kept) -->`,
    ...lines,
    `<!-- airgap:end ${name} -->`,
  ].join(eol);
}

/**
 * Replaces the block's content, or appends the block when the document has none.
 * Bytes outside the block are never touched; the block uses the document's line ends.
 */
export function upsertManagedBlock(text: string, name: string, lines: readonly string[]): string {
  const eol = detectEol(text);
  const block = renderBlock(name, lines, eol);
  const found = findManagedBlock(text, name);
  if (found) return text.slice(0, found.start) + block + text.slice(found.end);
  if (text === '') return block + eol;
  const separator = text.endsWith('\n') ? eol : eol + eol;
  return text + separator + block + eol;
}
