import { findManagedBlock } from './managed-block.js';
import { readTableRows, type TableUpdate, upsertTableRows } from './managed-table.js';

/** What `airgap init` knows when it adds empty blocks. */
export interface InitContext {
  /** The environments the specs under bundles/ name, sorted. */
  environments: readonly string[];
}

/**
 * A living document: its file, its managed block and what `airgap init` puts in it. Each is
 * one entry of DOCUMENTS (documents.ts); airgap writes only inside the block.
 */
export interface ManagedDocument {
  /** Path from the repo root; for runbooks, the folder holding one per bundle. */
  file: string;
  /** The managed block's name; per-environment documents add `-<env>`. */
  block: string;
  /**
   * The document with its empty block(s) added, or the text unchanged when they are there
   * (`undefined` text: no file yet). Text outside the blocks is kept byte for byte. Not set:
   * `airgap init` does not create the document (ingest writes runbooks).
   */
  init: ((text: string | undefined, context: InitContext) => string) | undefined;
}

/** A document whose block holds one Markdown table, keyed by some columns. */
export interface TableDocument<Row> extends ManagedDocument {
  intro: readonly string[];
  header: readonly string[];
  keyColumns: readonly number[];
  /** A row's key when more than its key columns' text (TRACKER.md's rollback rows). */
  rowKey?: (cells: readonly string[]) => string;
  /** The row codec: `fromCells(toCells(row))` is the row again (the registry test checks it). */
  toCells: (row: Row) => string[];
  fromCells: (cells: readonly string[]) => Row;
}

/**
 * A table document; `newText` is what init writes before the block in a new file. An existing
 * file (even an empty one) gets the empty block appended.
 */
export function tableDocument<Row>(
  doc: Omit<TableDocument<Row>, 'init'> & { newText: string },
): TableDocument<Row> {
  const { newText, ...rest } = doc;
  return {
    ...rest,
    init: (text) =>
      text && findManagedBlock(text, doc.block) ? text : upsertRows(rest, text ?? newText, []).text,
  };
}

/**
 * The rows upserted in place (or last, with `moveToEnd`, or right after `moveAfter`); rows
 * people wrote are kept.
 */
export function upsertRows<Row>(
  doc: Omit<TableDocument<Row>, 'init'>,
  text: string,
  rows: readonly Row[],
  options: { moveToEnd?: boolean; moveAfter?: Row } = {},
): TableUpdate {
  const { moveAfter, ...rest } = options;
  return upsertTableRows(text, {
    ...rest,
    ...(moveAfter ? { moveAfter: doc.toCells(moveAfter) } : {}),
    block: doc.block,
    file: doc.file,
    intro: doc.intro,
    header: doc.header,
    keyColumns: doc.keyColumns,
    ...(doc.rowKey ? { rowKey: doc.rowKey } : {}),
    rows: rows.map(doc.toCells),
  });
}

/** The rows of the document's block, decoded. */
export function readRows<Row>(doc: TableDocument<Row>, text: string): Row[] {
  return readTableRows(text, doc.block).map(doc.fromCells);
}
