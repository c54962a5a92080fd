import { sha256HexLazily } from '../util/lazy-hash.js';

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

/**
 * The begin line of a block: the only writer of it (the whole-text writer below and the
 * streaming writer of runbooks in ingest/ both call it).
 */
export function beginLine(name: string, hash: string): string {
  return `<!-- airgap:begin ${name} sha256=${hash} (managed by airgap; edits are kept) -->`;
}

export function endLine(name: string): string {
  return `<!-- airgap:end ${name} -->`;
}

/** Length of the block hash in the begin line. */
export const HASH_LENGTH = 12;

/**
 * Where the hash starts in `beginLine(name, …)`: a new runbook is written with a placeholder
 * hash, filled in once the body (hundreds of megabytes, perhaps) has been hashed.
 */
export function hashOffset(name: string): number {
  return beginLine(name, '\0').indexOf('\0');
}

// Exported for the streaming update of runbooks too large to read as one string.
export const beginPattern = (name: string) =>
  new RegExp(`^\\s{0,3}<!-- airgap:begin ${name}(?: sha256=([0-9a-f]+))?[^>]*-->`);
export const endPattern = (name: string) => new RegExp(`^\\s{0,3}<!-- airgap:end ${name} -->`);
export const fenceOpen = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * The lines of a Markdown text that are outside fenced code blocks, as [start, end) offsets.
 * Output quoted in a runbook (a transcript that prints `<!-- airgap:end runbook -->`, say)
 * sits inside a fence and must stay inert. One indexOf per line, no split: runbooks can be
 * hundreds of megabytes.
 */
function* linesOutsideFences(text: string): Generator<[number, number]> {
  let fence: string | undefined;
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const first = text.charCodeAt(start + (text.charCodeAt(start) === 32 ? 1 : 0));
    const mayMatter = first === 96 || first === 126 || first === 60 || first === 32;
    if (fence === undefined) {
      if (mayMatter) {
        const line = text.slice(start, end).replace(/\r$/, '');
        const open = fenceOpen.exec(line);
        if (open && !(open[1]?.startsWith('`') && open[2]?.includes('`'))) fence = open[1];
        else yield [start, end];
      } else yield [start, end];
    } else if (mayMatter) {
      const line = text.slice(start, end).replace(/\r$/, '').trim();
      const char = fence.charAt(0);
      if (line.length >= fence.length && [...line].every((c) => c === char)) fence = undefined;
    }
    start = end + 1;
  }
}

export function detectEol(text: string): '\r\n' | '\n' {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

function contentHash(lines: readonly string[]): string {
  return sha256HexLazily(lines.join('\n')).slice(0, HASH_LENGTH);
}

/** Finds the named block; its markers count only outside fenced code. */
export function findManagedBlock(text: string, name: string): LocatedBlock | undefined {
  const beginRe = beginPattern(name);
  const endRe = endPattern(name);
  let begin: { start: number; after: number; hash: string | undefined } | undefined;
  for (const [start, end] of linesOutsideFences(text)) {
    const first = text.charCodeAt(start + (text.charCodeAt(start) === 32 ? 1 : 0));
    if (first !== 60 && first !== 32) continue;
    const line = text.slice(start, end);
    if (!begin) {
      const match = beginRe.exec(line);
      if (match) begin = { start: start + line.indexOf('<'), after: end + 1, hash: match[1] };
      continue;
    }
    const match = endRe.exec(line);
    if (!match) continue;
    if (begin.after > text.length) return undefined;
    const inner = text.slice(begin.after, start);
    const lines = inner.split('\n').map((l) => l.replace(/\r$/, ''));
    if (lines.at(-1) === '') lines.pop();
    const recorded = begin.hash;
    const content = [...lines];
    return {
      lines,
      // Hashed when asked: an unchanged rerun reads PENDING-CHANGES.md's rows, never this.
      get editedByHand() {
        return recorded !== undefined && recorded !== contentHash(content);
      },
      start: begin.start,
      end: start + line.indexOf('<') + match[0].trim().length,
    };
  }
  return undefined;
}

function renderBlock(name: string, lines: readonly string[], eol: string): string {
  return [beginLine(name, contentHash(lines)), ...lines, endLine(name)].join(eol);
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
