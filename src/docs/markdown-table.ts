/** Minimal GitHub-flavoured Markdown tables: enough to read rows back and write them out. */

export function escapeCell(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

export function splitRow(line: string): string[] | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|')) return undefined;
  const cells: string[] = [];
  let current = '';
  for (let i = 1; i < trimmed.length; i++) {
    const ch = trimmed[i];
    if (ch === '\\' && i + 1 < trimmed.length) {
      current += trimmed[i + 1];
      i++;
    } else if (ch === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) cells.push(current.trim());
  return cells;
}

export function isSeparatorRow(cells: readonly string[]): boolean {
  return cells.length > 0 && cells.every((cell) => /^:?-{3,}:?$/.test(cell));
}

export interface ParsedTable {
  header: string[];
  rows: string[][];
}

/** Finds every table in a document (header row followed by a separator row). */
export function parseTables(text: string): ParsedTable[] {
  const lines = text.split(/\r?\n/);
  const tables: ParsedTable[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const header = splitRow(lines[i] ?? '');
    const separator = splitRow(lines[i + 1] ?? '');
    if (!header || !separator || !isSeparatorRow(separator)) continue;
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length; j++) {
      const row = splitRow(lines[j] ?? '');
      if (!row) break;
      rows.push(row);
    }
    tables.push({ header: header.map((cell) => cell.toLowerCase()), rows });
    i = j - 1;
  }
  return tables;
}

export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
}
