import { findManagedBlock, upsertManagedBlock } from './managed-block.js';
import { type ManagedDocument, tableDocument, upsertRows } from './managed-document.js';
import type { TableUpdate } from './managed-table.js';
import { type PendingEntry, rollbackNote } from './pending-changes.js';
import { currentDeployments, findSuperseded, specNameOf } from './supersede.js';

export interface Outcome {
  bundleId: string;
  environment: string;
  status: string;
  date: string;
  runbook: string;
  /** A rollback: its deployment is a row of its own, after those it undoes. */
  rollbackFrom?: string;
  /** The rollback undone is itself a rollback to `rollbackFrom`: this redeploys newer content. */
  undoesRollback?: boolean;
}

// Either wording keys the same row: rows written by older builds say `rollback from` only.
const ROLLBACK_NOTE = /^(.*), (?:rollback from|(undoing the rollback to)) `([^`]+)`$/;

/**
 * TRACKER.md: one row per bundle, updated in place on re-ingest; a bundle prepared again as a
 * rollback gets a second row (`deployed, rollback from `b``) at the end, so that read top to
 * bottom the last deployment of a spec is the one that runs. Like CURRENT-STATE.md it is
 * written only where `airgap init` (or a person) put the block: other repos keep it by hand.
 */
export const TRACKER = tableDocument<Outcome>({
  file: 'TRACKER.md',
  block: 'deployments',
  newText: '# Tracker\n',
  intro: ['Deployments recorded by `airgap ingest`.', ''],
  header: ['Bundle', 'Environment', 'Outcome', 'Date', 'Runbook'],
  keyColumns: [0],
  // The bundle, and what it rolled back (the Outcome cell's note): a rollback's own row.
  rowKey: (cells) => `${cells[0] ?? ''}\u0000${ROLLBACK_NOTE.exec(cells[2] ?? '')?.[3] ?? ''}`,
  toCells: (outcome) => [
    `\`${outcome.bundleId}\``,
    outcome.environment,
    `${outcome.status}${outcome.rollbackFrom ? `, ${rollbackNote(outcome.rollbackFrom, outcome.undoesRollback)}` : ''}`,
    outcome.date,
    `[runbook](${outcome.runbook})`,
  ],
  fromCells: (row) => {
    const rollback = ROLLBACK_NOTE.exec(row[2] ?? '');
    return {
      bundleId: (row[0] ?? '').replace(/`/g, ''),
      environment: row[1] ?? '',
      status: rollback ? rollback[1]! : (row[2] ?? ''),
      date: row[3] ?? '',
      runbook: /^\[runbook\]\((.*)\)$/.exec(row[4] ?? '')?.[1] ?? row[4] ?? '',
      ...(rollback ? { rollbackFrom: rollback[3]! } : {}),
      ...(rollback?.[2] ? { undoesRollback: true } : {}),
    };
  },
});

export function upsertTrackerRow(text: string, outcome: Outcome): TableUpdate {
  return upsertRows(TRACKER, text, [outcome]);
}

/**
 * CURRENT-STATE.md's "Deployments" block, rebuilt from PENDING-CHANGES.md: what is deployed
 * where, what is still pending, and the next commands, so the next person can resume from git.
 * The supersede rules of `airgap status` apply: a superseded or discarded bundle has no next
 * step (following one would deploy older content again).
 */
export function renderDeployments(entries: readonly PendingEntry[]): string[] {
  const lines = ['## Deployments (maintained by airgap)', ''];
  const superseded = new Map(
    findSuperseded(entries, (id) => specNameOf(id)).map((s) => [s.bundleId, s.by]),
  );
  const current = new Set(
    currentDeployments(entries, (id) => specNameOf(id)).map((e) => e.bundleId),
  );
  const envs = [...new Set(entries.map((e) => e.environment))].sort();
  if (!envs.length) lines.push('Nothing prepared or deployed with airgap yet.');
  for (const env of envs) {
    const mine = entries.filter((e) => e.environment === env);
    lines.push(`### ${env}`, '');
    for (const e of mine.filter((x) => x.status === 'deployed'))
      lines.push(
        `- deployed: \`${e.bundleId}\` on ${e.date} (${e.link})${e.rollbackFrom ? `, ${e.undoesRollback ? '' : 'a '}${rollbackNote(e.rollbackFrom, e.undoesRollback)}` : ''}${current.has(e.bundleId) ? '' : '; replaced since'}`,
      );
    for (const e of mine) {
      const by = superseded.get(e.bundleId);
      if (by) {
        lines.push(`- superseded: \`${e.bundleId}\` (${e.status}) by \`${by}\`; nothing to do`);
        continue;
      }
      if (e.status === 'failed' && e.archiveNotInS3)
        lines.push(
          `- **failed**: \`${e.bundleId}\` on ${e.date} (${e.link}): the archive was not in S3; next: upload it from CloudShell (the upload block of PASTE.md, or \`airgap upload\`), then paste the bastion blocks again from the download block on, and \`airgap ingest <output>\``,
        );
      else if (e.status === 'failed' || e.status === 'partial')
        lines.push(
          `- **${e.status}**: \`${e.bundleId}\` on ${e.date} (${e.link}); next: ${e.retryFrom !== undefined ? `paste block ${e.retryFrom} of PASTE.md again, then the blocks after it, to retry` : "paste the failed step's block and the rest again to retry"}, or fix, then \`airgap bundle\` again and paste the new sheet`,
        );
      if (e.status === 'prepared' && e.helpersNotLoaded !== undefined)
        lines.push(
          `- pending${pendingNote(e)}: \`${e.bundleId}\` (${e.link}): its blocks were pasted where the helpers were not loaded, so nothing ran; next: paste ${e.helpersNotLoaded || 'the helper blocks (block 1 on)'} of PASTE.md again, then the blocks after them, and \`airgap ingest <output>\``,
        );
      else if (e.status === 'prepared')
        lines.push(
          `- pending${pendingNote(e)}: \`${e.bundleId}\`; next: \`airgap upload\` from CloudShell, paste the bastion blocks, \`airgap ingest <output>\``,
        );
    }
    lines.push('');
  }
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** ` rollback from `a``, or `, undoing the rollback to `a`` (a redeploy), after `- pending`. */
function pendingNote(e: PendingEntry): string {
  if (!e.rollbackFrom) return '';
  return `${e.undoesRollback ? ', ' : ' '}${rollbackNote(e.rollbackFrom, e.undoesRollback)}`;
}

/** CURRENT-STATE.md: its block is rebuilt whole from PENDING-CHANGES.md on every write. */
export const CURRENT_STATE = {
  file: 'CURRENT-STATE.md',
  block: 'deployments',
  init: (text) =>
    text && findManagedBlock(text, 'deployments')
      ? text
      : upsertDeployments(text ?? '# Current state\n', []),
} as const satisfies ManagedDocument;

/** The document with its block showing these entries. */
export function upsertDeployments(text: string, entries: readonly PendingEntry[]): string {
  return upsertManagedBlock(text, CURRENT_STATE.block, renderDeployments(entries));
}
