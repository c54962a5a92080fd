import { cloudshellUnits } from '../model/image-plan.js';
import type { BundleRecord, PlanBlock, RecordPlan } from '../model/record.js';
import { bastionBlocks } from './bastion.js';
import { cloudshellBlocks } from './cloudshell.js';

/**
 * The paste plan of both sides, computed once when the record is made: every block with its
 * number, text, units and code, and CloudShell's units. PASTE.md, bastion.sh, cloudshell.sh
 * and ingest read it from the record instead of generating blocks again.
 */
export function pastePlan(record: BundleRecord): RecordPlan {
  const side = (name: PlanBlock['side'], blocks: ReturnType<typeof bastionBlocks>) =>
    blocks.map((b, i) => ({
      side: name,
      n: i + 1,
      title: b.title,
      purpose: b.purpose,
      success: b.success,
      units: b.units ?? [],
      ...(b.helpers ? { helpers: true } : {}),
      code: b.code,
    }));
  return {
    blocks: [
      ...side('cloudshell', cloudshellBlocks(record)),
      ...side('bastion', bastionBlocks(record)),
    ],
    cloudshellUnits: cloudshellUnits(record),
  };
}

/** The record with its paste plan: the last thing added before it is written. */
export function withPastePlan(record: BundleRecord): BundleRecord {
  const { plan: _old, ...rest } = record;
  return Object.freeze({ ...rest, plan: pastePlan(rest) });
}

/** One side's blocks, from the record's plan (computed for a record of an older airgap). */
export function planBlocks(record: BundleRecord, side: PlanBlock['side']): readonly PlanBlock[] {
  return (record.plan ?? pastePlan(record)).blocks.filter((b) => b.side === side);
}
