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

export function warn(message: string): void {
  process.stderr.write(`${pc.yellow('warning:')} ${message}\n`);
}

/** Two-column "label value" lines that fit 80 columns. */
export function fields(rows: ReadonlyArray<[string, string]>): string {
  return rows.map(([label, value]) => `  ${label.padEnd(9)} ${value}`).join('\n');
}

/** Words after a prefix in lines of at most `width` columns, the later ones after `indent`. */
export function wrapWords(
  prefix: string,
  text: string,
  width = 80,
  indent = ' '.repeat(prefix.length),
): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(' ')) {
    const start = line === prefix || line === indent;
    if (!start && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = start ? `${line}${word}` : `${line} ${word}`;
  }
  return [...lines, line];
}

/**
 * A problem on stderr: `error: message`, one indented line per detail, then the hint. The message
 * and each detail stay one line (what grep and an editor's file:line jump look for); the hint, a
 * sentence for a person, wraps at 80 columns.
 */
export function report(message: string, details: readonly string[] = [], hint?: string): void {
  process.stderr.write(`${pc.red('error:')} ${message}\n`);
  for (const line of details) process.stderr.write(`  ${line}\n`);
  if (hint) process.stderr.write(`${pc.dim('hint:')}${wrapped(hint).slice(5)}\n`);
}

/** `hint: …` in lines of 80 columns; a hint that has lines of its own (a YAML snippet) keeps them. */
function wrapped(hint: string): string {
  return hint.includes('\n') ? `hint: ${hint}` : wrapWords('hint: ', hint).join('\n');
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
  process.stderr.write(
    `${pc.red('error:')} this is a bug in airgap: ${err?.message ?? String(error)}\n`,
  );
  if (options.debug) process.stderr.write(`${err?.stack ?? ''}\n`);
  else process.stderr.write('hint: run again with --debug for the stack trace, and report it\n');
  return ExitCode.bug;
}
