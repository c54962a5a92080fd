import pc from 'picocolors';
import { AirgapError, ExitCode, fromSystemError } from '../errors.js';

export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The width every human line of every command fits: an 80x24 terminal, a CloudShell tab. */
export const WIDTH = 80;

export function warn(message: string): void {
  const lines = wrapWords('warning: ', message);
  process.stderr.write(`${pc.yellow('warning:')}${lines.join('\n').slice(8)}\n`);
}

/** A field's value: text, or a list of items (paths, images) shown one a line. */
export type FieldValue = string | readonly string[];

/**
 * Two-column "label value" lines within 80 columns. A text value's own lines (after 12 spaces)
 * wrap each at their indent; a long first line wraps under the value. A list is `listLines`.
 */
export function fields(rows: ReadonlyArray<readonly [string, FieldValue]>): string {
  return rows
    .flatMap(([label, value]) => {
      const prefix = `  ${label.padEnd(9)} `;
      if (typeof value !== 'string') return listLines(prefix, value);
      const [first = '', ...rest] = value.split('\n');
      return [
        ...wrapWords(prefix, first),
        ...rest.flatMap((line) => {
          const indent = /^ */.exec(line)?.[0] ?? '';
          return wrapWords(indent, line.slice(indent.length));
        }),
      ];
    })
    .join('\n');
}

/**
 * Items (paths, images: each copied whole) one a line, all at one column, so that they read as
 * one list: after the prefix when every item fits 80 columns there; else the prefix's words
 * alone on their line and every item at column 2 (one wider than 78, which no column fits, at
 * the margin). Every list of this kind in the output takes this one rule (n9's finding 4).
 */
export function listLines(prefix: string, items: readonly string[], width = WIDTH): string[] {
  const indent = ' '.repeat(prefix.length);
  if (items.every((item) => prefix.length + item.length <= width))
    return items.map((item, i) => `${i ? indent : prefix}${item}`);
  const head = prefix.trimEnd();
  return [
    ...(head ? [head] : []),
    ...items.map((item) => `${2 + item.length <= width ? '  ' : ''}${item}`),
  ];
}

/** One sentence of output, wrapped at 80 columns, its later lines after `indent`. */
export function wrapLine(text: string, indent = '  '): string {
  return wrapWords('', text, WIDTH, indent).join('\n');
}

/**
 * Words after a prefix in lines of at most `width` columns, the later ones after `indent`. Lines
 * break only between words: a word is a path, an image or a URL someone copies, so one that
 * does not fit where it would go starts a line of its own, at its indent if it fits there, else
 * at two columns, else at the margin: a few fixed columns, not one per word's length, so that
 * the long image references of a list start in line (a word wider than the whole line is the
 * one thing left over `width`: cut, it would paste half).
 */
export function wrapWords(
  prefix: string,
  text: string,
  width = WIDTH,
  indent = ' '.repeat(prefix.length),
): string[] {
  const lines: string[] = [];
  let line = prefix;
  let empty = true;
  // A word set left of the indent (too wide for it) stands alone: the words after it go on at
  // the indent, so the text keeps one left edge and the word reads as the one to copy.
  let outdented = false;
  for (const word of text.split(' ')) {
    const next = empty ? `${line}${word}` : `${line} ${word}`;
    if (next.length <= width && !outdented) {
      line = next;
      empty = false;
      continue;
    }
    // A prefix of blanks alone is no line; a label ("error:") stays, its word goes below.
    if (!empty || line.trim()) lines.push(line.trimEnd());
    const column: number = wordIndent(indent.length, word.length, width);
    line = `${' '.repeat(column)}${word}`;
    outdented = column < indent.length;
    empty = false;
  }
  return [...lines, line];
}

function wordIndent(indent: number, length: number, width: number): number {
  if (indent + length <= width) return indent;
  return Math.min(indent, 2) + length <= width ? Math.min(indent, 2) : 0;
}

/**
 * A problem on stderr: `error: message`, one indented line per detail, then the hint, each
 * wrapped at 80 columns between words (a path keeps its `file:line` whole for an editor's jump).
 */
export function report(message: string, details: readonly string[] = [], hint?: string): void {
  const lines = [
    ...wrapWords('error: ', message),
    ...details.flatMap((detail) => wrapWords('  ', detail, WIDTH, '    ')),
  ];
  if (hint) lines.push(wrapped(hint));
  process.stderr.write(`${pc.red('error:')}${lines.join('\n').slice(6)}\n`);
}

/** `hint: …` in lines of 80 columns; a hint that has lines of its own (a YAML snippet) keeps them. */
function wrapped(hint: string): string {
  const text = hint.includes('\n') ? `hint: ${hint}` : wrapWords('hint: ', hint).join('\n');
  return `${pc.dim('hint:')}${text.slice(5)}`;
}

/** The one place errors become messages and exit codes. */
export function reportError(thrown: unknown, options: GlobalOptions): number {
  const error = thrown instanceof AirgapError ? thrown : (fromSystemError(thrown) ?? thrown);
  if (error instanceof AirgapError) {
    if (options.json) {
      printJson({
        ok: false,
        error: error.message,
        details: error.details,
        hint: error.hint,
        exitCode: error.exitCode,
      });
    } else report(error.message, error.details, error.hint);
    if (options.debug && error.cause)
      process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
    return error.exitCode;
  }
  const err = error as Error;
  report(`this is a bug in airgap: ${err?.message ?? String(error)}`);
  if (options.debug) process.stderr.write(`${err?.stack ?? ''}\n`);
  else process.stderr.write('hint: run again with --debug for the stack trace, and report it\n');
  return ExitCode.bug;
}
