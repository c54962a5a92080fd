import { findManagedBlock, upsertManagedBlock } from './managed-block.js';
import { isSeparatorRow, renderTable, splitRow } from './markdown-table.js';

export interface TableUpdate {
  text: string;
  warnings: string[];
  changed: boolean;
}

/**
 * A managed block holding one Markdown table whose rows are keyed by some columns.
 * Rows are upserted in place; rows a person added or edited inside the block are kept,
 * and a hand-edited block is reported instead of silently rewritten.
 */
export function upsertTableRows(
  text: string,
  options: {
    block: string;
    file: string;
    intro: readonly string[];
    header: readonly string[];
    keyColumns: readonly number[];
    /** Instead of the key columns' text joined. */
    rowKey?: (cells: readonly string[]) => string;
    rows: readonly (readonly string[])[];
    /** An upserted row that exists goes last instead of staying in place. */
    moveToEnd?: boolean;
    /** An upserted row that exists goes right after the row with this key (if it is there). */
    moveAfter?: readonly string[];
  },
): TableUpdate {
  const warnings: string[] = [];
  const existing = findManagedBlock(text, options.block);
  const rows: string[][] = [];
  const keptLines: string[] = [];
  if (existing) {
    let inTable = false;
    for (const line of existing.lines) {
      const cells = splitRow(line);
      if (cells && !inTable) {
        inTable = true;
        continue; // header
      }
      if (cells && isSeparatorRow(cells)) continue;
      if (cells) rows.push(options.header.map((_, i) => cells[i] ?? ''));
      else if (!options.intro.includes(line) && line.trim() !== '') keptLines.push(line);
    }
    if (existing.editedByHand) {
      warnings.push(
        `${options.file}: the airgap block "${options.block}" was edited by hand; kept its ${rows.length} row(s)${keptLines.length ? ` and ${keptLines.length} other line(s)` : ''} and only updated the rows for this run`,
      );
    }
  }
  const keyOf =
    options.rowKey ??
    ((row: readonly string[]) => options.keyColumns.map((i) => row[i] ?? '').join('\u0000'));
  const after = options.moveAfter ? keyOf(options.moveAfter) : undefined;
  for (const row of options.rows) {
    const index = rows.findIndex((candidate) => keyOf(candidate) === keyOf(row));
    const anchor = after === undefined ? -1 : rows.findIndex((c) => keyOf(c) === after);
    if (index >= 0 && anchor >= 0) {
      rows.splice(index, 1);
      rows.splice(anchor > index ? anchor : anchor + 1, 0, [...row]);
    } else if (index >= 0 && !options.moveToEnd) rows[index] = [...row];
    else {
      if (index >= 0) rows.splice(index, 1);
      rows.push([...row]);
    }
  }
  const lines = [
    ...options.intro,
    ...renderTable(options.header, rows),
    ...(keptLines.length ? ['', ...keptLines] : []),
  ];
  const updated = upsertManagedBlock(text, options.block, lines);
  return { text: updated, warnings, changed: updated !== text };
}

export function readTableRows(text: string, block: string): string[][] {
  const existing = findManagedBlock(text, block);
  if (!existing) return [];
  const rows: string[][] = [];
  let sawHeader = false;
  for (const line of existing.lines) {
    const cells = splitRow(line);
    if (!cells) continue;
    if (!sawHeader) {
      sawHeader = true;
      continue;
    }
    if (!isSeparatorRow(cells)) rows.push(cells);
  }
  return rows;
}
