import type { BundleStatus } from '../model/lifecycle.js';
import { readRows, tableDocument, upsertRows } from './managed-document.js';
import type { TableUpdate } from './managed-table.js';

export interface PendingEntry {
  bundleId: string;
  environment: string;
  status: BundleStatus;
  commit: string;
  date: string;
  files: number;
  images: number;
  /** Of those, how many docs/ecr-manifest.md did not show in ECR when ingest wrote the row. */
  imagesNotInEcr?: number;
  /** Paste sheet while prepared, runbook once ingested: a relative Markdown link. */
  link: string;
  /** Prepared again (equal content) to undo this later deployment of its spec. */
  rollbackFrom?: string;
  /**
   * That later deployment was itself a rollback to this row's content's predecessor: preparing
   * this again redeploys the newer content, undoing the rollback (`undoing the rollback to `a``).
   * The machinery is a rollback's; only the words differ.
   */
  undoesRollback?: boolean;
  /**
   * A rollback still prepared: the second it was prepared again (ISO, `…T04:41:36Z`). Ingest
   * counts only runs from then on as the rollback's, so an older paste of the first deployment
   * on the same day does not mark it done. The Date cell keeps the day, as every row's; the
   * Status cell the time (`prepared again 04:41:36Z`).
   */
  preparedAgainAt?: string;
  /**
   * A `prepared again …` note that does not read as a time (edited by hand: `4:41:36Z`), kept
   * as written so that rewriting the row does not lose it; ingest warns that it is not read.
   */
  unreadPreparedAgain?: string;
  /** A later deployment of the same spec made this row moot (see docs/supersede.ts). */
  supersededBy?: string;
  /** Output of the bundle was ingested after it was discarded. */
  runAfterDiscard?: boolean;
  /** Its download found no object in S3: not uploaded, or to another bucket or prefix. */
  archiveNotInS3?: boolean;
  /**
   * Its blocks were pasted where the helpers were not loaded: every unit skipped, nothing ran
   * (still prepared). The helper blocks to paste again (`blocks 1-4`), '' when unknown.
   */
  helpersNotLoaded?: string;
  /**
   * Failed or partial: the PASTE.md block to paste again, and those after it, to retry (the
   * block ingest's warning and the runbook name), so CURRENT-STATE.md's next step can name it.
   */
  retryFrom?: number;
}

/**
 * `retry from block N`, only while the row needs a retry: a superseded row has no next step
 * (following it would deploy older content), and another status has nothing to retry.
 */
function retryNote(entry: PendingEntry): string {
  const open = (entry.status === 'failed' || entry.status === 'partial') && !entry.supersededBy;
  return open && entry.retryFrom !== undefined ? `retry from block ${entry.retryFrom}` : '';
}

/**
 * What preparing the content again undoes, as PENDING-CHANGES.md, TRACKER.md and CURRENT-STATE.md
 * say it: a redeploy of content rolled back from reads as such, not as another rollback.
 */
export function rollbackNote(from: string, undoesRollback: boolean | undefined): string {
  return undoesRollback ? `undoing the rollback to \`${from}\`` : `rollback from \`${from}\``;
}

/** The note rollbackNote wrote (quotes stripped or not), or undefined. */
export function parseRollbackNote(
  note: string,
): Pick<PendingEntry, 'rollbackFrom' | 'undoesRollback'> | undefined {
  const match = /^(?:rollback from|(undoing the rollback to)) `?([^`\s]+)`?$/.exec(note);
  if (!match) return undefined;
  return { rollbackFrom: match[2]!, ...(match[1] ? { undoesRollback: true } : {}) };
}

/** `**failed**, *superseded by `x`*`: the status word, then what else is true of the row. */
function statusCell(entry: PendingEntry): string {
  const notes = [
    entry.rollbackFrom ? rollbackNote(entry.rollbackFrom, entry.undoesRollback) : '',
    entry.runAfterDiscard ? 'run after discard' : '',
    entry.archiveNotInS3 ? 'archive not in S3' : '',
    entry.helpersNotLoaded === undefined
      ? ''
      : `helpers not loaded${entry.helpersNotLoaded ? ` (${entry.helpersNotLoaded})` : ''}`,
    retryNote(entry),
    entry.imagesNotInEcr
      ? `${entry.imagesNotInEcr} image${entry.imagesNotInEcr > 1 ? 's' : ''} not in ECR`
      : '',
    entry.supersededBy ? `*superseded by \`${entry.supersededBy}\`*` : '',
    // Last: the notes before it read as they did before it was written.
    entry.preparedAgainAt
      ? `prepared again ${entry.preparedAgainAt.slice(11)}`
      : (entry.unreadPreparedAgain ?? ''),
  ].filter(Boolean);
  return [`**${entry.status}**`, ...notes].join(', ');
}

function parseStatusCell(cell: string): Partial<PendingEntry> & { status: BundleStatus } {
  const [status = '', ...notes] = cell.replace(/[`*]/g, '').split(',');
  const entry: Partial<PendingEntry> & { status: BundleStatus } = {
    status: status.trim() as BundleStatus,
  };
  for (const note of notes.map((n) => n.trim())) {
    const rollback = parseRollbackNote(note);
    const superseded = /^superseded by (\S+)$/.exec(note);
    const notInEcr = /^(\d+) images? not in ECR$/.exec(note);
    const helpers = /^helpers not loaded(?: \((blocks? [\d-]+)\))?$/.exec(note);
    const retry = /^retry from block (\d+)$/.exec(note);
    const again = /^prepared again (\d\d:\d\d:\d\dZ)$/.exec(note);
    if (rollback) Object.assign(entry, rollback);
    else if (notInEcr) entry.imagesNotInEcr = Number(notInEcr[1]);
    else if (superseded) entry.supersededBy = superseded[1];
    else if (note === 'run after discard') entry.runAfterDiscard = true;
    else if (note === 'archive not in S3') entry.archiveNotInS3 = true;
    else if (helpers) entry.helpersNotLoaded = helpers[1] ?? '';
    else if (retry) entry.retryFrom = Number(retry[1]);
    // The day is the Date cell's: dateCells puts the two together.
    else if (again) entry.preparedAgainAt = again[1];
    else if (note.startsWith('prepared again')) entry.unreadPreparedAgain = note;
  }
  return entry;
}

/**
 * The Images cell: a number, which every airgap reads with Number(). How many are not in ECR
 * is a note of the Status cell, which older builds skip: `2 (1 not in ECR)` here read as NaN
 * there, and was written back as `NaN`. That form (written for a while) is still read.
 */
function imagesCell(cell: string): Pick<PendingEntry, 'images' | 'imagesNotInEcr'> {
  const match = /^\s*(\d+)\s*\((\d+) not in ECR\)\s*$/.exec(cell);
  if (!match) return { images: Number(cell || 0) };
  return { images: Number(match[1]), imagesNotInEcr: Number(match[2]) };
}

const strip = (cell: string | undefined) => (cell ?? '').replace(/[`*]/g, '');

/**
 * The Date cell (a day) and the time of `prepared again`, as `date` and `preparedAgainAt`.
 * Rows written before held the whole instant in the Date cell: read as the same two.
 */
function dateCells(
  cell: string,
  time: string | undefined,
): Pick<PendingEntry, 'date' | 'preparedAgainAt'> {
  const instant = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\dZ)$/.exec(cell);
  if (instant) return { date: instant[1]!, preparedAgainAt: cell };
  return { date: cell, ...(time ? { preparedAgainAt: `${cell}T${time}` } : {}) };
}

/** PENDING-CHANGES.md: one row per bundle prepared, in the order they were prepared. */
export const PENDING_CHANGES = tableDocument<PendingEntry>({
  file: 'PENDING-CHANGES.md',
  block: 'bundles',
  newText: '# Pending changes\n\nChanges prepared but not yet deployed.\n',
  intro: ['Bundles prepared with `airgap bundle` and their deployment status.', ''],
  header: ['Bundle', 'Environment', 'Status', 'Commit', 'Date', 'Files', 'Images', 'Record'],
  keyColumns: [0],
  toCells: (entry) => [
    `\`${entry.bundleId}\``,
    entry.environment,
    statusCell(entry),
    `\`${entry.commit.slice(0, 12)}\``,
    entry.date,
    String(entry.files),
    String(entry.images),
    entry.link,
  ],
  fromCells: (row) => {
    const { preparedAgainAt: time, ...status } = parseStatusCell(row[2] ?? '');
    return {
      bundleId: strip(row[0]),
      environment: strip(row[1]),
      ...imagesCell(row[6] ?? ''),
      ...status,
      commit: strip(row[3]),
      ...dateCells(strip(row[4]), time),
      files: Number(row[5] ?? 0),
      link: row[7] ?? '',
    };
  },
});

export const PENDING_CHANGES_FILE = PENDING_CHANGES.file;

/**
 * One row, in place; `moveToEnd` puts it last, as if prepared now (a rollback): the table's
 * order is the order bundles were prepared, which decides what supersedes what. `moveAfter`
 * puts it right after that row (older content deployed over it: ingest's deployedOver).
 */
export function upsertPendingEntry(
  text: string,
  entry: PendingEntry,
  options: { moveToEnd?: boolean; moveAfter?: PendingEntry } = {},
): TableUpdate {
  return upsertRows(PENDING_CHANGES, text, [entry], options);
}

export function readPendingEntries(text: string): PendingEntry[] {
  return readRows(PENDING_CHANGES, text);
}
