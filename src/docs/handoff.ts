import { upsertManagedBlock } from './managed-block.js';
import { type TableUpdate, upsertTableRows } from './managed-table.js';
import type { PendingEntry } from './pending-changes.js';
import { currentDeployments, findSuperseded, specNameOf } from './supersede.js';

export const TRACKER_FILE = 'TRACKER.md';
export const CURRENT_STATE_FILE = 'CURRENT-STATE.md';
const TRACKER_HEADER = ['Bundle', 'Environment', 'Outcome', 'Date', 'Runbook'];
const TRACKER_INTRO = ['Deployments recorded by `airgap ingest`.', ''];

export interface Outcome {
  bundleId: string;
  environment: string;
  status: string;
  date: string;
  runbook: string;
}

/** One row per bundle in TRACKER.md's managed block, updated in place on re-ingest. */
const trackerTable = {
  block: 'deployments',
  file: TRACKER_FILE,
  intro: TRACKER_INTRO,
  header: TRACKER_HEADER,
  keyColumns: [0],
} as const;

export function upsertTrackerRow(text: string, outcome: Outcome): TableUpdate {
  return upsertTableRows(text, {
    ...trackerTable,
    rows: [
      [
        `\`${outcome.bundleId}\``,
        outcome.environment,
        outcome.status,
        outcome.date,
        `[runbook](${outcome.runbook})`,
      ],
    ],
  });
}

export function emptyTrackerBlock(text: string): string {
  return upsertTableRows(text, { ...trackerTable, rows: [] }).text;
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
        `- deployed: \`${e.bundleId}\` on ${e.date} (${e.link})${e.rollbackFrom ? `, a rollback from \`${e.rollbackFrom}\`` : ''}${current.has(e.bundleId) ? '' : '; replaced since'}`,
      );
    for (const e of mine) {
      const by = superseded.get(e.bundleId);
      if (by) {
        lines.push(`- superseded: \`${e.bundleId}\` (${e.status}) by \`${by}\`; nothing to do`);
        continue;
      }
      if (e.status === 'failed' || e.status === 'partial')
        lines.push(
          `- **${e.status}**: \`${e.bundleId}\` on ${e.date} (${e.link}); next: paste the failed step's block and the rest again to retry, or fix, then \`airgap bundle\` again and paste the new sheet`,
        );
      if (e.status === 'prepared')
        lines.push(
          `- pending${e.rollbackFrom ? ` rollback from \`${e.rollbackFrom}\`` : ''}: \`${e.bundleId}\`; next: \`airgap upload\` from CloudShell, paste the bastion blocks, \`airgap ingest <output>\``,
        );
    }
    lines.push('');
  }
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function emptyDeploymentsBlock(text: string): string {
  return upsertManagedBlock(text, 'deployments', renderDeployments([]));
}
