/**
 * A bundle record checked without zod, for the record a first bundle has just written: its
 * rerun stamp is left only when the bytes parse through the record schema (rerun-stamp.ts),
 * and that parse loaded zod and built every record schema (see spec-check.ts for what that cost).
 * isAcceptedRecord says yes only to what record.ts's bundleRecordSchema accepts. That schema
 * has no defaults or transforms, so what zod would give is the parsed JSON itself (keys in
 * another order). Anything else is left to parseRecord. test/unit/record-check.test.ts holds
 * the two to the same answers.
 */
import { ARCHIVE_FORMAT_NAMES } from './archive-formats.js';
import { UNIT_KINDS } from './markers.js';
import type { BundleRecord } from './record.js';
import { BUNDLE_FORMAT } from './record-format.js';
import { only, plain } from './spec-check.js';

type Fields = Record<string, unknown>;
type Check = (value: unknown) => boolean;

const str: Check = (v) => typeof v === 'string';
const nonEmpty: Check = (v) => typeof v === 'string' && v.length > 0;
const bool: Check = (v) => typeof v === 'boolean';
const positive: Check = (v) => Number.isSafeInteger(v) && (v as number) > 0;
const nonNegative: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const matches =
  (pattern: RegExp): Check =>
  (v) =>
    typeof v === 'string' && pattern.test(v);
const oneOf = (values: readonly string[]): Check => {
  const set = new Set(values);
  return (v) => typeof v === 'string' && set.has(v);
};
const listOf =
  (item: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(item);
const sha256: Check = matches(/^[0-9a-f]{64}$/);
/** z.iso.datetime() accepts more; this is the form toISOString writes, a real date. */
const isoTime: Check = (v) => {
  if (typeof v !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v)) return false;
  const time = Date.parse(v);
  return Number.isFinite(time) && new Date(time).toISOString() === v;
};

/**
 * A zod object: `required` and `optional` keys with their checks; strict (no other key) unless
 * `loose`. Prototype keys (`__proto__`) are refused either way.
 */
function object(
  required: Record<string, Check>,
  optional: Record<string, Check> = {},
  loose = false,
): Check {
  const keys = new Set([...Object.keys(required), ...Object.keys(optional)]);
  return (value) => {
    const fields: Fields | undefined = loose ? plain(value) : only(value, keys);
    if (!fields || Object.hasOwn(fields, '__proto__')) return false;
    for (const [key, check] of Object.entries(required)) {
      if (!Object.hasOwn(fields, key) || !check(fields[key])) return false;
    }
    for (const [key, check] of Object.entries(optional)) {
      if (Object.hasOwn(fields, key) && !check(fields[key])) return false;
    }
    return true;
  };
}

const unit = object(
  { n: positive, kind: oneOf(UNIT_KINDS), name: str },
  {
    command: str,
    continueOnError: bool,
    group: str,
    why: str,
    waitsFor: listOf(str),
  },
);

const planBlock = object(
  {
    side: oneOf(['cloudshell', 'bastion']),
    n: positive,
    title: str,
    purpose: str,
    success: str,
    units: listOf(positive),
    code: str,
  },
  { helpers: bool },
);

const bundleFile = object(
  { path: nonEmpty, size: nonNegative, mode: matches(/^[0-7]{6}$/), sha256 },
  { linkTarget: str },
);

const loose = (required: Record<string, Check>, optional: Record<string, Check> = {}) =>
  object(required, optional, true);
const strings = listOf(str);
const stringMap: Check = (v) => {
  const fields = plain(v);
  return !!fields && !Object.hasOwn(fields, '__proto__') && Object.values(fields).every(str);
};

const recordedSpec = loose(
  {
    name: str,
    environment: str,
    files: strings,
    s3: loose({ bucket: str, prefix: str, region: str }),
    verify: strings,
    images: strings,
    imageSources: stringMap,
    allowSecrets: listOf(loose({ path: str, reason: str })),
  },
  {
    description: str,
    exclude: strings,
    namespace: str,
    steps: listOf(loose({ name: str, run: str })),
    ignoreImages: strings,
    ecr: loose({ registry: str, region: str }),
    signing: loose({ identity: str, allowedSigners: str }),
  },
);

const bundleRecord = object(
  {
    format: (v) => v === BUNDLE_FORMAT,
    id: nonEmpty,
    name: nonEmpty,
    environment: nonEmpty,
    description: str,
    specPath: nonEmpty,
    spec: recordedSpec,
    files: listOf(bundleFile),
    units: listOf(unit),
    images: strings,
    s3: object(
      { bucket: nonEmpty, prefix: str, region: nonEmpty },
      { endpoint: str, forcePathStyle: bool },
    ),
    commit: matches(/^[0-9a-f]{40}([0-9a-f]{24})?$/),
    commitTime: isoTime,
    missingImages: strings,
    archive: object({
      file: nonEmpty,
      format: oneOf(ARCHIVE_FORMAT_NAMES),
      sha256,
      size: nonNegative,
      key: nonEmpty,
    }),
  },
  {
    contentHash: sha256,
    planNotes: strings,
    unsetNamespaces: listOf(
      object({ file: str, objects: nonNegative, named: listOf(str) }, { into: nonEmpty }),
    ),
    externalImages: listOf(
      object({ file: str, line: nonNegative, image: nonEmpty, ecrReference: nonEmpty }),
    ),
    plan: object({ blocks: listOf(planBlock), cloudshellUnits: listOf(unit) }),
    signature: object({
      identity: nonEmpty,
      allowedSigners: str,
      allowedSignersPath: nonEmpty,
      sig: nonEmpty,
    }),
  },
);

/**
 * The record itself when record.ts's schema accepts it (zod would give the same, deeply
 * equal); undefined when it may not, and parseRecord decides.
 */
export function acceptedRecord(raw: unknown): BundleRecord | undefined {
  return bundleRecord(raw) ? (raw as BundleRecord) : undefined;
}

/**
 * parseRecord's answer, without loading zod when the record is valid (as parseBundleSpecLazily
 * reads a spec): the JSON is read here and checked by acceptedRecord; anything it does not
 * accept goes to parseRecord (record.ts), which refuses it with its message.
 */
export async function parseRecordLazily(text: string, source: string): Promise<BundleRecord> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  return acceptedRecord(raw) ?? (await import('./record.js')).parseRecord(text, source);
}
