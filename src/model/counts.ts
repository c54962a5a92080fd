/**
 * The one count used everywhere (bastion summary, ingest output, runbook): the units that
 * decide the outcome (transfer, steps, verify commands), by what the transcript shows.
 */
export interface OutcomeCounts {
  ok: number;
  failed: number;
  skipped: number;
  /** Begun without an end, or not in the transcript(s) at all. */
  notYetSeen: number;
  total: number;
}

export function formatCounts(c: OutcomeCounts): string {
  return `${c.ok} ok, ${c.failed} failed, ${c.skipped} skipped, ${c.notYetSeen} not yet seen (of ${c.total} units)`;
}
