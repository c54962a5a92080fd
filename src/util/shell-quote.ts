/**
 * Quote a value for bash so it is always one word and never expanded.
 * Single quotes stop every expansion; an embedded quote closes, escapes and reopens.
 */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
