import { AirgapError } from '../errors.js';
import { CLOUDSHELL_ARCHIVE_BYTES, MAX_ARCHIVE_BYTES } from '../model/capacity.js';
import { kindInfo, MAX_UNITS } from '../model/markers.js';
import type { BundleRecord } from '../model/record.js';
import type { BundleSpec } from '../model/spec.js';
import { SPEC_TEXT_LIMITS } from '../model/spec-rules.js';
import { grouped } from '../util/format.js';
import { isYamlPath } from './names.js';

const MiB = 1024 * 1024;

/**
 * What the far side can carry. Above CloudShell's capacity (src/model/capacity.ts) the archive
 * is uploaded from another machine, so that is a warning; a paste sheet is read and pasted by a
 * person; unit numbers are what the marker protocol can number.
 */
export const BUNDLE_LIMITS = {
  units: { soft: 1000, hard: MAX_UNITS },
  archiveBytes: { soft: CLOUDSHELL_ARCHIVE_BYTES, hard: MAX_ARCHIVE_BYTES },
  pasteSheetBytes: { soft: 1 * MiB, hard: 8 * MiB },
} as const;

interface Limit {
  soft: number;
  hard: number;
}

interface Measure {
  what: string;
  value: number;
  limit: Limit;
  unit: 'units' | 'bytes' | 'characters';
  fix: string;
  /** What the soft limit is and what to do above it; by default it "works comfortably". */
  soft?: string;
}

function show(value: number, unit: Measure['unit']): string {
  if (unit !== 'bytes') return `${grouped(value)} ${unit}`;
  return value >= MiB
    ? `${(value / MiB).toFixed(1)} MiB (${grouped(value)} bytes)`
    : `${grouped(value)} bytes`;
}

/** Pure: warnings above soft limits, problems above hard ones, each with the numbers. */
export function limitFindings(measures: readonly Measure[]): {
  warnings: string[];
  problems: string[];
} {
  const warnings: string[] = [];
  const problems: string[] = [];
  for (const m of measures) {
    if (m.value > m.limit.hard) {
      problems.push(
        `${m.what} is ${show(m.value, m.unit)}, over the limit of ${show(m.limit.hard, m.unit)}: ${m.fix}`,
      );
    } else if (m.value > m.limit.soft) {
      warnings.push(
        `${m.what} is ${show(m.value, m.unit)}, over the ${show(m.limit.soft, m.unit)} ${m.soft ?? `that works comfortably (limit ${show(m.limit.hard, m.unit)})`}`,
      );
    }
  }
  return { warnings, problems };
}

/** The measures of a built bundle: units, images, archive, paste sheet and the spec's texts. */
export function bundleMeasures(record: BundleRecord, pasteSheetBytes: number): Measure[] {
  const split = 'split the bundle into several specs';
  const measures: Measure[] = [
    {
      what: 'the bundle',
      value: record.units.length,
      limit: BUNDLE_LIMITS.units,
      unit: 'units',
      fix: `the marker protocol numbers units up to ${grouped(MAX_UNITS)}; ${split} or use fewer steps`,
    },
    {
      what: 'the image list',
      value: record.images.length + 1,
      limit: BUNDLE_LIMITS.units,
      unit: 'units',
      fix: split,
    },
    {
      what: 'the archive',
      value: record.archive.size,
      limit: BUNDLE_LIMITS.archiveBytes,
      unit: 'bytes',
      fix: `the bastion downloads and extracts it in one paste (twice its size on disk); ${split}`,
      soft: `that fits CloudShell's 1 GiB home with what it already holds: upload it with \`airgap upload\` from a machine that reaches S3, or ${split}`,
    },
    {
      what: 'PASTE.md',
      value: pasteSheetBytes,
      limit: BUNDLE_LIMITS.pasteSheetBytes,
      unit: 'bytes',
      fix: `nobody can paste that much by hand; ${split}`,
    },
    {
      what: 'the description',
      value: record.description.length,
      limit: SPEC_TEXT_LIMITS.description,
      unit: 'characters',
      fix: 'shorten it',
    },
  ];
  for (const unit of record.units) {
    // The kind table says which units carry the spec author's text (model/unit-kinds.ts).
    const info = kindInfo(unit.kind);
    const limited = info.runs === 'command' ? info.specLimits : 'none';
    if (limited === 'none') continue;
    const label = `unit ${unit.n} (${unit.name.slice(0, 40)})`;
    // Generated step names ("Apply <path>") are not the spec author's to shorten.
    if (limited === 'name and command' && record.spec.steps)
      measures.push({
        what: `the name of ${label}`,
        value: unit.name.length,
        limit: SPEC_TEXT_LIMITS.stepName,
        unit: 'characters',
        fix: 'shorten it',
      });
    measures.push({
      what: `the command of ${label}`,
      value: unit.command?.length ?? 0,
      limit: SPEC_TEXT_LIMITS.command,
      unit: 'characters',
      fix: 'move it into a script file in the bundle',
    });
  }
  return measures;
}

/** Adds a warning per soft limit passed; throws one error listing every hard limit passed. */
export function assertWithinLimits(
  record: BundleRecord,
  pasteSheetBytes: number,
  warnings: string[],
): void {
  const found = limitFindings(bundleMeasures(record, pasteSheetBytes));
  warnings.push(...found.warnings);
  if (!found.problems.length) return;
  throw new AirgapError(`the bundle is too large to work on the far side; nothing was written`, {
    details: found.problems,
    hint: 'split the files and steps over several bundle specs',
    code: 'invalidSpec',
  });
}

/**
 * The units a bundle will have, or the fewest it can have, known from the spec and the file
 * list alone: the spec's steps, or in the default plan one apply when there is a non-empty YAML
 * file (the planner applies folders whole, so a tree of any size can be one apply), plus
 * download, verify, extract, the ECR check, the verify commands and the summary. The exact
 * count of the default plan is checked after the scan (bundleMeasures).
 */
export function unitsBeforePacking(
  spec: Pick<BundleSpec, 'steps' | 'verify' | 'ecr'>,
  entries: ReadonlyArray<{ path: string; size: number }>,
): number {
  const steps =
    spec.steps?.length ?? (entries.some((e) => e.size > 0 && isYamlPath(e.path)) ? 1 : 0);
  return 3 + (spec.ecr?.check ? 1 : 0) + steps + spec.verify.length + 1;
}

/**
 * Before any byte is packed: a bundle over the unit limit is refused in the time it takes to
 * list the tree (100,000 YAML files were refused after 59 s of packing, at 0.93 GB of memory).
 */
export function assertPlanWithinLimits(
  spec: Pick<BundleSpec, 'steps' | 'verify' | 'ecr'>,
  entries: ReadonlyArray<{ path: string; size: number }>,
): void {
  const units = unitsBeforePacking(spec, entries);
  const { problems } = limitFindings([
    {
      what: 'the bundle',
      value: units,
      limit: BUNDLE_LIMITS.units,
      unit: 'units',
      fix: `the marker protocol numbers units up to ${grouped(MAX_UNITS)}; split the bundle into several specs`,
    },
  ]);
  if (!problems.length) return;
  throw new AirgapError('the bundle is too large to work on the far side; nothing was packed', {
    details: problems,
    hint: 'split the files and steps over several bundle specs',
    code: 'invalidSpec',
  });
}
