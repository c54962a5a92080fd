import { type BundleStatus, SUPERSEDABLE } from '../model/lifecycle.js';
import type { TableUpdate } from './managed-table.js';
import { type PendingEntry, readPendingEntries, upsertPendingEntry } from './pending-changes.js';

export interface SupersededEntry {
  bundleId: string;
  status: BundleStatus;
  /** The deployed bundle that replaced it. */
  by: string;
}

/** A bundle id is `<spec name>-<7 hex>`; the record's name is preferred when it is known. */
export function specNameOf(bundleId: string, recordName?: string): string {
  return recordName ?? bundleId.replace(/-[0-9a-f]{7}$/, '');
}

/**
 * PENDING-CHANGES.md lists bundles in the order they were first prepared. A deployed bundle
 * supersedes the failed, partial and prepared bundles of the same spec and environment listed
 * before it: the fix shipped, so they no longer need attention. Later rows are never
 * superseded by earlier ones (a change prepared after a deployment is real pending work).
 */
export function findSuperseded(
  entries: readonly PendingEntry[],
  specOf: (bundleId: string) => string,
): SupersededEntry[] {
  const by = new Map<string, string>();
  const keyOf = (e: PendingEntry) => `${specOf(e.bundleId)}\u0000${e.environment}`;
  entries.forEach((deployed, index) => {
    if (deployed.status !== 'deployed') return;
    for (const earlier of entries.slice(0, index)) {
      if (SUPERSEDABLE.includes(earlier.status) && keyOf(earlier) === keyOf(deployed))
        by.set(earlier.bundleId, deployed.bundleId);
    }
  });
  return entries.flatMap((e) => {
    const replacement = by.get(e.bundleId);
    return replacement ? [{ bundleId: e.bundleId, status: e.status, by: replacement }] : [];
  });
}

/** The newest deployed bundle of each spec and environment: what runs there now. */
export function currentDeployments(
  entries: readonly PendingEntry[],
  specOf: (bundleId: string) => string,
): PendingEntry[] {
  const latest = new Map<string, PendingEntry>();
  for (const e of entries)
    if (e.status === 'deployed') latest.set(`${specOf(e.bundleId)}\u0000${e.environment}`, e);
  return [...latest.values()];
}

/** Each missing image once, with every bundle that needs it, in first-seen order. */
export function groupMissingImages(
  needs: ReadonlyArray<{ bundleId: string; image: string }>,
): Array<{ image: string; bundleIds: string[] }> {
  const grouped = new Map<string, string[]>();
  for (const { bundleId, image } of needs) {
    const ids = grouped.get(image) ?? [];
    if (!ids.includes(bundleId)) ids.push(bundleId);
    grouped.set(image, ids);
  }
  return [...grouped].map(([image, bundleIds]) => ({ image, bundleIds }));
}

/**
 * PENDING-CHANGES.md after the supersede rules: each row a later deployment replaced says
 * *superseded by <id>*, and no other row does. Run on every write of the table.
 */
export function markSuperseded(text: string): TableUpdate {
  const entries = readPendingEntries(text);
  const by = new Map(
    findSuperseded(entries, (id) => specNameOf(id)).map((s) => [s.bundleId, s.by]),
  );
  let update: TableUpdate = { text, warnings: [], changed: false };
  for (const entry of entries) {
    const replacement = by.get(entry.bundleId);
    if (replacement === entry.supersededBy) continue;
    const { supersededBy: _old, ...rest } = entry;
    const next = upsertPendingEntry(update.text, {
      ...rest,
      ...(replacement ? { supersededBy: replacement } : {}),
    });
    update = { text: next.text, warnings: update.warnings, changed: true };
  }
  return update;
}
