/**
 * Quote a value for bash so it is always one word and never expanded.
 * Single quotes stop every expansion; an embedded quote closes, escapes and reopens.
 */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  // A leading `=` stays quoted: zsh expands `=word` to a command's path (or aborts the line).
  if (/^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
