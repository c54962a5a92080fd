import type { RecordPlan } from './record.js';

/**
 * How the runbook and ingest name a unit for an operator: by the PASTE.md block that runs it
 * first, the number PASTE.md's headings and the bastion's own lines ("skipped: block 8 (unit 6)
 * failed earlier") show, then the unit, the number the markers and `airgap_run` carry. A record
 * of an older airgap has no paste plan: its units are named alone.
 */
export function unitLabeler(
  plan: RecordPlan | undefined,
): (n: number, side?: 'bastion' | 'cloudshell') => string {
  return (n, side = 'bastion') => unitLabel(n, blocksRunning(plan, n, side));
}

/** The numbers of one side's PASTE.md blocks that run unit n (none without a plan). */
export function blocksRunning(
  plan: RecordPlan | undefined,
  n: number | undefined,
  side: 'bastion' | 'cloudshell',
): number[] {
  return (plan?.blocks ?? [])
    .filter((b) => b.side === side && n !== undefined && b.units.includes(n))
    .map((b) => b.n);
}

/**
 * `block 8, unit 6`, or `unit 6` when the block is not known. CloudShell's upload is in two
 * blocks, the airgap one and the aws CLI fallback: `block 4 or 5, unit 1`.
 */
export function unitLabel(n: number, blocks: readonly number[] | number | undefined): string {
  const list = typeof blocks === 'number' ? [blocks] : (blocks ?? []);
  return list.length ? `block ${list.join(' or ')}, unit ${n}` : `unit ${n}`;
}

/** A label at the start of a heading or a sentence. */
export function capitalized(label: string): string {
  return `${label.charAt(0).toUpperCase()}${label.slice(1)}`;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return `#${heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- ]/gu, '')
    .replace(/ /g, '-')}`;
}
