import { readTableRows, type TableUpdate, upsertTableRows } from './managed-table.js';

export const PENDING_CHANGES_FILE = 'PENDING-CHANGES.md';
const BLOCK = 'bundles';
const HEADER = ['Bundle', 'Environment', 'Status', 'Commit', 'Date', 'Files', 'Images', 'Record'];
const INTRO = ['Bundles prepared with `airgap bundle` and their deployment status.', ''];

/** `discarded`: retired with `airgap discard`, never to be deployed. */
export type BundleStatus = 'prepared' | 'deployed' | 'failed' | 'partial' | 'discarded';

export interface PendingEntry {
  bundleId: string;
  environment: string;
  status: BundleStatus;
  commit: string;
  date: string;
  files: number;
  images: number;
  /** Paste sheet while prepared, runbook once ingested: a relative Markdown link. */
  link: string;
}

export function upsertPendingEntry(text: string, entry: PendingEntry): TableUpdate {
  return upsertTableRows(text, {
    block: BLOCK,
    file: PENDING_CHANGES_FILE,
    intro: INTRO,
    header: HEADER,
    keyColumns: [0],
    rows: [
      [
        `\`${entry.bundleId}\``,
        entry.environment,
        `**${entry.status}**`,
        `\`${entry.commit.slice(0, 12)}\``,
        entry.date,
        String(entry.files),
        String(entry.images),
        entry.link,
      ],
    ],
  });
}

export function readPendingEntries(text: string): PendingEntry[] {
  const strip = (cell: string | undefined) => (cell ?? '').replace(/[`*]/g, '');
  return readTableRows(text, BLOCK).map((row) => ({
    bundleId: strip(row[0]),
    environment: strip(row[1]),
    status: strip(row[2]) as BundleStatus,
    commit: strip(row[3]),
    date: strip(row[4]),
    files: Number(row[5] ?? 0),
    images: Number(row[6] ?? 0),
    link: row[7] ?? '',
  }));
}
