/**
 * The marker protocol, version 1. Every unit of work on the far side prints
 *   @@airgap/1 begin <bundle-id> <n> <kind> <epoch> [s=<nonce>]
 *   @@airgap/1 end <bundle-id> <n> <kind> rc=<code>|skip <epoch> [s=<nonce>]
 * Lines are pure ASCII and are printed by a function, so the echoed source of a pasted block
 * never matches. The nonce is drawn once per paste session by the helper block: output of a
 * step cannot know it in advance, so a marker that a step prints (an old log, a forged line)
 * is told apart from the real one. Markers without a nonce come from older helpers.
 */
export const MARKER_VERSION = 1;
/**
 * What every marker line holds, whatever its version: the scanners look for this to find the
 * few lines worth parsing (and a marker of another version, to name it).
 */
export const MARKER_TAG = '@@airgap/';
export const MARKER_PREFIX = `${MARKER_TAG}${MARKER_VERSION}`;
/** Unit numbers are printed in decimal; the bundle refuses plans with more units than this. */
export const MAX_UNITS = 99_999;
/** Lowercase hex, drawn from /dev/urandom by the helper block. */
export const NONCE_PATTERN = /^[0-9a-f]{6,16}$/;

/** Where a unit runs: on the bastion, or in CloudShell (a separate session and transcript). */
export type UnitSide = 'bastion' | 'cloudshell';
/** The section of the runbook a unit's record lands in. */
export type RunbookSection = 'transfer' | 'step' | 'verify' | 'summary' | 'observe' | 'cloudshell';

export interface UnitKindInfo {
  side: UnitSide;
  section: RunbookSection;
  /** Counted in the bundle's outcome (deployed/failed/partial) and in every "N of M" figure. */
  counts: boolean;
}

/**
 * One entry per unit kind: the parser, the merge, the runbook and the docs all read this
 * table, so a new kind is one entry here (the compiler then asks for it wherever a
 * `Record<MarkerKind, …>` is kept) plus what prints it.
 */
export const UNIT_KIND_INFO = {
  download: { side: 'bastion', section: 'transfer', counts: true },
  verify: { side: 'bastion', section: 'transfer', counts: true },
  extract: { side: 'bastion', section: 'transfer', counts: true },
  /** `aws ecr describe-images` for every image the bundle needs, before any step. */
  'ecr-check': { side: 'bastion', section: 'step', counts: true },
  step: { side: 'bastion', section: 'step', counts: true },
  /** `kubectl diff` before the apply steps; its exit 1 (differences found) counts as success. */
  preview: { side: 'bastion', section: 'step', counts: true },
  'verify-cmd': { side: 'bastion', section: 'verify', counts: true },
  summary: { side: 'bastion', section: 'summary', counts: false },
  /** A spec's read-only `observe:` command, after the summary: it never changes the outcome. */
  observe: { side: 'bastion', section: 'observe', counts: false },
  upload: { side: 'cloudshell', section: 'cloudshell', counts: false },
  image: { side: 'cloudshell', section: 'cloudshell', counts: false },
} as const satisfies Record<string, UnitKindInfo>;

export type MarkerKind = keyof typeof UNIT_KIND_INFO;
export const UNIT_KINDS = Object.keys(UNIT_KIND_INFO) as MarkerKind[];

export function kindInfo(kind: MarkerKind): UnitKindInfo {
  return UNIT_KIND_INFO[kind];
}
export const isCloudShellKind = (kind: MarkerKind): boolean => kindInfo(kind).side === 'cloudshell';
/** Bastion units that decide the outcome: everything but the summary and CloudShell units. */
export const countsInOutcome = (kind: MarkerKind): boolean => kindInfo(kind).counts;

export interface Marker {
  type: 'begin' | 'end';
  bundleId: string;
  n: number;
  kind: MarkerKind;
  /** Exit code on end markers; undefined when the unit was skipped. */
  rc?: number;
  skipped?: boolean;
  epoch: number;
  /** The paste session's nonce; absent on markers printed by older helpers. */
  nonce?: string;
}

// Longest kinds first, so `verify` does not match the start of `verify-cmd`.
const kindAlternation = [...UNIT_KINDS]
  .sort((a, b) => b.length - a.length)
  .map((k) => k.replace(/[-]/g, '\\-'))
  .join('|');
const markerPattern = new RegExp(
  `@@airgap\\/(\\d+) (begin|end) ([a-z0-9][a-z0-9-]*) (\\d{1,5}) (${kindAlternation})(?: (rc=\\d{1,3}|skip))? (\\d{9,11})(?: s=([0-9a-f]{6,16}))?\\s*$`,
);

/** Finds a marker anywhere in a line: prompts and echoed text may stand before it. */
export function parseMarker(line: string): Marker | undefined {
  const match = markerPattern.exec(line);
  if (!match) return undefined;
  const [, version, type, bundleId, n, kind, status, epoch, nonce] = match;
  if (Number(version) !== MARKER_VERSION) return undefined;
  if (type === 'begin' && status !== undefined) return undefined;
  if (type === 'end' && status === undefined) return undefined;
  const marker: Marker = {
    type: type as Marker['type'],
    bundleId: bundleId ?? '',
    n: Number(n),
    kind: kind as MarkerKind,
    epoch: Number(epoch),
  };
  if (status === 'skip') marker.skipped = true;
  else if (status) marker.rc = Number(status.slice(3));
  if (nonce) marker.nonce = nonce;
  return marker;
}

export function formatMarker(marker: Marker): string {
  const status =
    marker.type === 'end' ? ` ${marker.skipped ? 'skip' : `rc=${marker.rc ?? 0}`}` : '';
  const nonce = marker.nonce ? ` s=${marker.nonce}` : '';
  return `${MARKER_PREFIX} ${marker.type} ${marker.bundleId} ${marker.n} ${marker.kind}${status} ${marker.epoch}${nonce}`;
}

/** Context line printed before a command runs: `[<utc> <host>] $ <command>`. */
export const contextPattern = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) ([^\]\s]+)\] \$ (.*)$/;
