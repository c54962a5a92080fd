/** Where a unit runs: on the bastion, or in CloudShell (a separate session and transcript). */
export type UnitSide = 'bastion' | 'cloudshell';
/** The section of the runbook a unit's record lands in. */
export type RunbookSection = 'transfer' | 'step' | 'verify' | 'summary' | 'observe' | 'cloudshell';
/**
 * The bastion paste block a unit lands in (paste/bastion.ts keeps one text per block):
 * the transfer block first, each step its own block (or its default-plan group's),
 * `with-previous` joins the block before it, then the verify block, then the observe block.
 * CloudShell units are in image-plan's blocks, never in a bastion block.
 */
export type PasteGroup =
  | 'transfer'
  | 'step'
  | 'with-previous'
  | 'verify'
  | 'observe'
  | 'cloudshell';

/**
 * How helpers.sh runs a unit: a shell function of its own named after the kind
 * (paste/helper-units.ts, a `Record` over these kinds), the unit's command through `run()`,
 * or not at all (CloudShell units run in CloudShell's own functions).
 */
export type UnitRunner =
  | { runs: 'helper' }
  | {
      runs: 'command';
      /**
       * What must hold before the command runs: `steps`: the files are verified and no earlier
       * step failed, and its own failure stops the steps after it (unless continue-on-error);
       * `verified`: the files are verified; `nothing`: it runs whatever happened before.
       */
      waitsFor: 'steps' | 'verified' | 'nothing';
      /** Exit 1 is success (`kubectl diff`: there are differences). */
      exit1IsSuccess: boolean;
      /** The spec author's text held to SPEC_TEXT_LIMITS (bundle/limits.ts). */
      specLimits: 'name and command' | 'command' | 'none';
    }
  | { runs: 'cloudshell' };

export type UnitKindInfo = {
  side: UnitSide;
  section: RunbookSection;
  /** Counted in the bundle's outcome (deployed/failed/partial) and in every "N of M" figure. */
  counts: boolean;
  paste: PasteGroup;
  /** Its begin marker starts a new run of the bundle in a transcript (ingest/outcome/outcome.ts). */
  startsRun: boolean;
} & UnitRunner;

/**
 * One entry per unit kind: the bash generator (paste block, helpers.sh), the bundle's limits,
 * the marker parser, ingest's merge, runs and runbook, and the docs all read this table, so a
 * new kind is one entry here (every field is required; the compiler then asks for it wherever
 * a `Record` over kinds is kept, e.g. a helper kind's shell function) plus what prints it.
 */
export const UNIT_KIND_INFO = {
  download: {
    side: 'bastion',
    section: 'transfer',
    counts: true,
    paste: 'transfer',
    startsRun: true,
    runs: 'helper',
  },
  verify: {
    side: 'bastion',
    section: 'transfer',
    counts: true,
    paste: 'transfer',
    startsRun: false,
    runs: 'helper',
  },
  extract: {
    side: 'bastion',
    section: 'transfer',
    counts: true,
    paste: 'transfer',
    startsRun: false,
    runs: 'helper',
  },
  /** `aws ecr describe-images` for every image the bundle needs, before any step. */
  'ecr-check': {
    side: 'bastion',
    section: 'step',
    counts: true,
    paste: 'transfer',
    startsRun: false,
    runs: 'command',
    waitsFor: 'steps',
    exit1IsSuccess: false,
    specLimits: 'none',
  },
  step: {
    side: 'bastion',
    section: 'step',
    counts: true,
    paste: 'step',
    startsRun: false,
    runs: 'command',
    waitsFor: 'steps',
    exit1IsSuccess: false,
    specLimits: 'name and command',
  },
  /** `kubectl diff` before the apply steps; its exit 1 (differences found) counts as success. */
  preview: {
    side: 'bastion',
    section: 'step',
    counts: true,
    paste: 'with-previous',
    startsRun: false,
    runs: 'command',
    waitsFor: 'steps',
    exit1IsSuccess: true,
    specLimits: 'none',
  },
  'verify-cmd': {
    side: 'bastion',
    section: 'verify',
    counts: true,
    paste: 'verify',
    startsRun: false,
    runs: 'command',
    waitsFor: 'verified',
    exit1IsSuccess: false,
    specLimits: 'command',
  },
  summary: {
    side: 'bastion',
    section: 'summary',
    counts: false,
    paste: 'verify',
    startsRun: false,
    runs: 'helper',
  },
  /** A spec's read-only `observe:` command, after the summary: it never changes the outcome. */
  observe: {
    side: 'bastion',
    section: 'observe',
    counts: false,
    paste: 'observe',
    startsRun: false,
    runs: 'command',
    waitsFor: 'nothing',
    exit1IsSuccess: false,
    specLimits: 'command',
  },
  upload: {
    side: 'cloudshell',
    section: 'cloudshell',
    counts: false,
    paste: 'cloudshell',
    startsRun: false,
    runs: 'cloudshell',
  },
  image: {
    side: 'cloudshell',
    section: 'cloudshell',
    counts: false,
    paste: 'cloudshell',
    startsRun: false,
    runs: 'cloudshell',
  },
} as const satisfies Record<string, UnitKindInfo>;

export type MarkerKind = keyof typeof UNIT_KIND_INFO;
export const UNIT_KINDS = Object.keys(UNIT_KIND_INFO) as MarkerKind[];

/** The kinds helpers.sh runs with a shell function of their own, named after the kind. */
export type HelperKind = {
  [K in MarkerKind]: (typeof UNIT_KIND_INFO)[K]['runs'] extends 'helper' ? K : never;
}[MarkerKind];
/** The kinds helpers.sh runs through `run()`, with the unit's command. */
export type CommandKind = {
  [K in MarkerKind]: (typeof UNIT_KIND_INFO)[K]['runs'] extends 'command' ? K : never;
}[MarkerKind];

export function kindInfo(kind: MarkerKind): UnitKindInfo {
  return UNIT_KIND_INFO[kind];
}
export const isCloudShellKind = (kind: MarkerKind): boolean => kindInfo(kind).side === 'cloudshell';
/** Bastion units that decide the outcome: everything but the summary and CloudShell units. */
export const countsInOutcome = (kind: MarkerKind): boolean => kindInfo(kind).counts;

/** The kinds whose entry passes `test`, in table order. */
export function kindsWhere(test: (info: UnitKindInfo) => boolean): MarkerKind[] {
  return UNIT_KINDS.filter((kind) => test(kindInfo(kind)));
}
