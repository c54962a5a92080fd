/**
 * The marker protocol, version 1. Every unit of work on the far side prints
 *   @@airgap/1 begin <bundle-id> <n> <kind> <epoch>
 *   @@airgap/1 end <bundle-id> <n> <kind> rc=<code>|skip <epoch>
 * Lines stay under 80 columns (bundle names are limited to 24 characters), are pure ASCII,
 * and are printed by a function, so the echoed source of a pasted block never matches.
 */
export const MARKER_PREFIX = '@@airgap/1';
export const MARKER_VERSION = 1;

export const UNIT_KINDS = [
  'download',
  'verify',
  'extract',
  'step',
  'verify-cmd',
  'summary',
  'upload',
  'image',
] as const;
export type MarkerKind = (typeof UNIT_KINDS)[number];

export interface Marker {
  type: 'begin' | 'end';
  bundleId: string;
  n: number;
  kind: MarkerKind;
  /** Exit code on end markers; undefined when the unit was skipped. */
  rc?: number;
  skipped?: boolean;
  epoch: number;
}

const markerPattern =
  /@@airgap\/(\d+) (begin|end) ([a-z0-9][a-z0-9-]*) (\d{1,4}) (download|verify-cmd|verify|extract|step|summary|upload|image)(?: (rc=\d{1,3}|skip))? (\d{9,11})\s*$/;

/** Finds a marker anywhere in a line: prompts and echoed text may stand before it. */
export function parseMarker(line: string): Marker | undefined {
  const match = markerPattern.exec(line);
  if (!match) return undefined;
  const [, version, type, bundleId, n, kind, status, epoch] = match;
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
  return marker;
}

export function formatMarker(marker: Marker): string {
  const status =
    marker.type === 'end' ? ` ${marker.skipped ? 'skip' : `rc=${marker.rc ?? 0}`}` : '';
  return `${MARKER_PREFIX} ${marker.type} ${marker.bundleId} ${marker.n} ${marker.kind}${status} ${marker.epoch}`;
}

/** Context line printed before a command runs: `[<utc> <host>] $ <command>`. */
export const contextPattern = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) ([^\]\s]+)\] \$ (.*)$/;
