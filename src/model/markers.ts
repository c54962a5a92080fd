import { type MarkerKind, UNIT_KINDS } from './unit-kinds.js';

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

export type {
  CommandKind,
  HelperKind,
  MarkerKind,
  PasteGroup,
  RunbookSection,
  UnitKindInfo,
  UnitRunner,
  UnitSide,
} from './unit-kinds.js';
export {
  countsInOutcome,
  isCloudShellKind,
  kindInfo,
  kindsWhere,
  UNIT_KIND_INFO,
  UNIT_KINDS,
} from './unit-kinds.js';

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

interface MarkerField {
  /** What stands before the value: a space, or ` s=` for the nonce. */
  lead: string;
  /** The value's pattern; the parser captures it. */
  pattern: string;
  /** Absent on some lines: the status on a begin marker, the nonce from older helpers. */
  optional?: true;
}

/**
 * The words of a marker line after `<prefix> <type>`, in order: the parser's pattern,
 * formatMarker and the printf lines of the generated shell code (markerPrintf) are all built
 * from this table, so what the far side prints and what ingest reads cannot drift apart.
 */
const MARKER_FIELDS = {
  bundleId: { lead: ' ', pattern: '[a-z0-9][a-z0-9-]*' },
  n: { lead: ' ', pattern: '\\d{1,5}' },
  kind: { lead: ' ', pattern: kindAlternation },
  /** `rc=<code>` or `skip`, on end markers only. */
  status: { lead: ' ', pattern: 'rc=\\d{1,3}|skip', optional: true },
  /** UTC seconds, as `date -u +%s` prints them. */
  epoch: { lead: ' ', pattern: '\\d{9,11}' },
  /** Lowercase hex, drawn from /dev/urandom by the helper block. */
  nonce: { lead: ' s=', pattern: '[0-9a-f]{6,16}', optional: true },
} as const satisfies Record<string, MarkerField>;
type MarkerFieldName = keyof typeof MARKER_FIELDS;
const FIELD_NAMES = Object.keys(MARKER_FIELDS) as MarkerFieldName[];

export const NONCE_PATTERN = new RegExp(`^(?:${MARKER_FIELDS.nonce.pattern})$`);

const markerPattern = new RegExp(
  `${MARKER_TAG}(\\d+) (begin|end)${FIELD_NAMES.map((name) => {
    const field: MarkerField = MARKER_FIELDS[name];
    const word = `${field.lead}(${field.pattern})`;
    return field.optional ? `(?:${word})?` : word;
  }).join('')}\\s*$`,
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
  const values: Record<MarkerFieldName, string | number | undefined> = {
    bundleId: marker.bundleId,
    n: marker.n,
    kind: marker.kind,
    status: marker.type === 'end' ? (marker.skipped ? 'skip' : `rc=${marker.rc ?? 0}`) : undefined,
    epoch: marker.epoch,
    nonce: marker.nonce || undefined,
  };
  const words = FIELD_NAMES.map((name) =>
    values[name] === undefined ? '' : `${MARKER_FIELDS[name].lead}${values[name]}`,
  );
  return `${MARKER_PREFIX} ${marker.type}${words.join('')}`;
}

const none = { format: '', args: [] as string[] };

/** Shell words (already quoted for the shell) that a generated marker line prints. */
export interface MarkerShellWords {
  /** The bundle id, unit number and kind; or one word that expands to all three, spaced. */
  unit: readonly [string, string, string] | string;
  /** End markers: a word that expands to `rc=<code>` or `skip`, or `{ rc }` to the code. */
  status?: string | { rc: string };
  /** A word that expands to ` s=<nonce>`, or to nothing. */
  nonce: string;
  /** The indent of a continuation line before the time, where the line would be too long. */
  wrapBeforeEpoch?: string;
  /** A word that expands to the UTC seconds already taken; else `date` runs when it prints. */
  epoch?: string;
}

/**
 * The `printf` command that prints a marker in generated shell code (helpers.sh, CloudShell's
 * airgap_unit), built from the same fields as the parser. The time is taken when it prints,
 * unless `epoch` names it.
 */
export function markerPrintf(type: Marker['type'], words: MarkerShellWords): string {
  const parts: Record<MarkerFieldName, { format: string; args: string[] }> = {
    bundleId:
      typeof words.unit === 'string'
        ? { format: ' %s', args: [words.unit] }
        : { format: ' %s', args: [words.unit[0]] },
    n: typeof words.unit === 'string' ? none : { format: ' %s', args: [words.unit[1]] },
    kind: typeof words.unit === 'string' ? none : { format: ' %s', args: [words.unit[2]] },
    status:
      type === 'begin' || words.status === undefined
        ? none
        : typeof words.status === 'string'
          ? { format: ' %s', args: [words.status] }
          : { format: ' rc=%s', args: [words.status.rc] },
    epoch: {
      format: ' %s',
      args: [
        `${words.wrapBeforeEpoch === undefined ? '' : `\\\n${words.wrapBeforeEpoch}`}${words.epoch ?? '"$(date -u +%s)"'}`,
      ],
    },
    // The word carries the field's lead (` s=`): an older paste has no nonce, and no lead.
    nonce: { format: '%s', args: [words.nonce] },
  };
  const format = FIELD_NAMES.map((name) => parts[name].format).join('');
  const args = FIELD_NAMES.flatMap((name) => parts[name].args);
  return `printf '${MARKER_PREFIX} ${type}${format}\\n' ${args.join(' ')}`;
}
/** Context line printed before a command runs: `[<utc> <host>] $ <command>`. */
export const contextPattern = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) ([^\]\s]+)\] \$ (.*)$/;
