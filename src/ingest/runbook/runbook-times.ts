/*
 * The runbook's times as its writers put them and ingest reads them back (commands/ingest's
 * deployed-over: rows hold only a day): one place for the format both sides depend on.
 */

/** Ends the Date row's range (runbook.ts). */
export const DATE_FROM_TRANSCRIPT = '(UTC, from the transcript)';
/** A run's Result when it ran CloudShell blocks only (runbook-notes.ts's Runs table). */
export const NO_BASTION_BLOCKS = 'no bastion blocks';

/**
 * When the runbook's bastion runs ended, in ms: its `| Date | <from> to <to> (UTC, from the
 * transcript) |` covers the run recorded (for a bundle not rolled back, its first deployed
 * one), and its *Runs* table (`| 2 | <start> | <end> | …`) every run that reached the
 * bastion: a later paste of the same bundle counts too. A run of CloudShell blocks only
 * changed nothing on the cluster. Undefined when the text holds no such time.
 */
export function bastionRunsEnd(runbookText: string): number | undefined {
  const date = /^\| Date \| \S+ to (\S+) \(UTC, from the transcript\) \|$/m.exec(runbookText)?.[1];
  const runs = [
    ...runbookText.matchAll(/^\| \d+(?: \(recorded above\))? \| \S+ \| (\S+) \| ([^|]*)\|/gm),
  ].filter((m) => !m[2]!.startsWith(NO_BASTION_BLOCKS));
  const ends = [date, ...runs.map((m) => m[1])].map((t) => (t ? Date.parse(t) : Number.NaN));
  const known = ends.filter((ms) => Number.isFinite(ms));
  return known.length ? Math.max(...known) : undefined;
}
