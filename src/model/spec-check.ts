/**
 * A bundle spec checked without zod. A first bundle parsed its spec through the zod schema,
 * and loading zod and building the spec and record schemas was a sixth of its CPU over bare
 * node (~65 ms of ~390, `perf stat`, load 4). acceptedSpec says yes only to a spec that
 * spec.ts's schema accepts, and gives what zod gives for it: the same keys in the same order,
 * with the same defaults. Anything else (a problem to report, or a value it does not know,
 * such as a YAML date) is left to zod, which words the refusal. test/unit/spec-check.test.ts
 * holds the two to the same answers.
 */
import yaml from 'js-yaml';
import type { BundleSpec } from './spec.js';
import {
  BUCKET_PATTERN,
  ENDPOINT_PATTERN,
  MUTATING,
  NAME_MAX,
  NAMESPACE_MAX,
  NAMESPACE_NAME,
  noDoubleDot,
  notIpAddress,
  notReservedBucket,
  ONE_LINE,
  PREFIX_PATTERN,
  REASON_MIN,
  REGION_PATTERN,
  REGISTRY_HOST,
  SLUG,
  SPEC_TEXT_LIMITS,
} from './spec-rules.js';

type Fields = Record<string, unknown>;

/** A plain object (a YAML mapping, a JSON object) with string keys only, else undefined. */
export function plain(value: unknown): Fields | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  for (const key of Reflect.ownKeys(value)) if (typeof key !== 'string') return undefined;
  return value as Fields;
}

/** A plain object holding no key but `keys` (a strict zod object), else undefined. */
export function only(value: unknown, keys: ReadonlySet<string>): Fields | undefined {
  const fields = plain(value);
  if (!fields) return undefined;
  for (const key in fields) if (!keys.has(key)) return undefined;
  return fields;
}

function text(value: unknown, min = 0, max = Number.POSITIVE_INFINITY): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

/** An array whose items all pass `item` (at least `min` of them), mapped by it, else undefined. */
function list<T>(value: unknown, item: (v: unknown) => T | undefined, min = 0): T[] | undefined {
  if (!Array.isArray(value) || value.length < min) return undefined;
  const out: T[] = [];
  for (const v of value) {
    const checked = item(v);
    if (checked === undefined) return undefined;
    out.push(checked);
  }
  return out;
}

const nonEmpty = (v: unknown): string | undefined => (text(v, 1) ? v : undefined);
const command = (v: unknown): string | undefined =>
  text(v, 1, SPEC_TEXT_LIMITS.command.hard) ? v : undefined;
const named = (v: unknown): v is string =>
  text(v, 1, SPEC_TEXT_LIMITS.stepName.hard) && ONE_LINE.test(v);

/** Builds zod's output: the shape's keys in its order, absent optional keys left out. */
class Out {
  readonly value: Fields = {};
  ok = true;
  constructor(private readonly from: Fields) {}
  /** `check` maps a present value to its output or undefined (refused). */
  key(name: string, check: (v: unknown) => unknown, fallback?: () => unknown): this {
    if (!this.ok) return this;
    if (!Object.hasOwn(this.from, name)) {
      if (fallback) this.value[name] = fallback();
      else this.ok = false;
      return this;
    }
    const checked = check(this.from[name]);
    if (checked === undefined) this.ok = false;
    else this.value[name] = checked;
    return this;
  }
  /** An optional key: left out when absent. */
  optional(name: string, check: (v: unknown) => unknown): this {
    if (!this.ok || !Object.hasOwn(this.from, name)) return this;
    return this.key(name, check);
  }
  done(): Fields | undefined {
    return this.ok ? this.value : undefined;
  }
}

const asIs =
  (test: (v: unknown) => boolean) =>
  (v: unknown): unknown =>
    test(v) ? v : undefined;
const bool = asIs((v) => typeof v === 'boolean');

const STEP_KEYS = new Set(['name', 'run', 'continueOnError']);
function step(value: unknown): Fields | undefined {
  const from = only(value, STEP_KEYS);
  if (!from) return undefined;
  return new Out(from)
    .key('name', asIs(named))
    .key('run', command)
    .optional('continueOnError', bool)
    .done();
}

const OBSERVE_KEYS = new Set(['name', 'run']);
function observe(value: unknown): Fields | undefined {
  const from = only(value, OBSERVE_KEYS);
  if (!from) return undefined;
  return new Out(from)
    .key('name', asIs(named))
    .key(
      'run',
      asIs((v) => command(v) !== undefined && !MUTATING.test(v as string)),
    )
    .done();
}

const region = asIs((v) => typeof v === 'string' && REGION_PATTERN.test(v));
const bucket = asIs(
  (v) =>
    text(v, 3, 63) &&
    BUCKET_PATTERN.test(v) &&
    noDoubleDot(v) &&
    notIpAddress(v) &&
    notReservedBucket(v),
);

const S3_KEYS = new Set(['bucket', 'prefix', 'region', 'endpoint', 'forcePathStyle']);
function s3(value: unknown): Fields | undefined {
  const from = only(value, S3_KEYS);
  if (!from) return undefined;
  return new Out(from)
    .key('bucket', bucket)
    .key(
      'prefix',
      asIs((v) => typeof v === 'string' && PREFIX_PATTERN.test(v)),
      () => '',
    )
    .key('region', region)
    .optional(
      'endpoint',
      asIs((v) => typeof v === 'string' && ENDPOINT_PATTERN.test(v)),
    )
    .optional('forcePathStyle', bool)
    .done();
}

const ECR_KEYS = new Set(['registry', 'region', 'check', 'mirrors']);
function ecr(value: unknown): Fields | undefined {
  const from = only(value, ECR_KEYS);
  if (!from) return undefined;
  return new Out(from)
    .key('registry', nonEmpty)
    .key('region', region)
    .optional('check', bool)
    .optional(
      'mirrors',
      asIs(
        (v) => Array.isArray(v) && v.every((h) => typeof h === 'string' && REGISTRY_HOST.test(h)),
      ),
    )
    .done();
}

const SIGNING_KEYS = new Set(['identity', 'allowedSigners', 'key']);
function signing(value: unknown): Fields | undefined {
  const from = only(value, SIGNING_KEYS);
  if (!from) return undefined;
  return new Out(from)
    .key('identity', nonEmpty)
    .key('allowedSigners', nonEmpty)
    .optional(
      'key',
      asIs((v) => typeof v === 'string'),
    )
    .done();
}

const ALLOWED_KEYS = new Set(['path', 'reason']);
function allowed(value: unknown): Fields | undefined {
  const from = only(value, ALLOWED_KEYS);
  if (!from) return undefined;
  return new Out(from)
    .key('path', nonEmpty)
    .key(
      'reason',
      asIs((v) => text(v, REASON_MIN)),
    )
    .done();
}

/** A map of strings to strings, copied in its own key order (as zod's record copies it). */
function stringMap(value: unknown): Fields | undefined {
  const from = plain(value);
  if (!from) return undefined;
  const out: Fields = {};
  for (const [key, v] of Object.entries(from)) {
    if (typeof v !== 'string' || key === '__proto__') return undefined;
    out[key] = v;
  }
  return out;
}

const SPEC_KEYS = new Set([
  'name',
  'environment',
  'description',
  'files',
  'exclude',
  's3',
  'namespace',
  'steps',
  'verify',
  'observe',
  'images',
  'ignoreImages',
  'imageSources',
  'ecr',
  'signing',
  'allowSecrets',
]);

/**
 * What spec.ts's schema makes of `raw` when it accepts it; undefined when it may not (zod then
 * decides and words the problems).
 */
export function acceptedSpec(raw: unknown): BundleSpec | undefined {
  const from = only(raw, SPEC_KEYS);
  if (!from) return undefined;
  const strings = (v: unknown) => list(v, nonEmpty);
  return new Out(from)
    .key(
      'name',
      asIs((v) => text(v, 0, NAME_MAX) && SLUG.test(v)),
    )
    .key(
      'environment',
      asIs((v) => typeof v === 'string' && SLUG.test(v)),
    )
    .optional(
      'description',
      asIs((v) => text(v, 1, SPEC_TEXT_LIMITS.description.hard)),
    )
    .key('files', (v) => list(v, nonEmpty, 1))
    .optional('exclude', strings)
    .key('s3', s3)
    .optional(
      'namespace',
      asIs((v) => text(v, 1, NAMESPACE_MAX) && NAMESPACE_NAME.test(v)),
    )
    .optional('steps', (v) => list(v, step))
    .key(
      'verify',
      (v) => list(v, command),
      () => [],
    )
    .optional('observe', (v) => list(v, observe))
    .key('images', strings, () => [])
    .optional('ignoreImages', strings)
    .key('imageSources', stringMap, () => ({}))
    .optional('ecr', ecr)
    .optional('signing', signing)
    .key(
      'allowSecrets',
      (v) => list(v, allowed),
      () => [],
    )
    .done() as BundleSpec | undefined;
}

/**
 * parseBundleSpec's answer, without loading zod when the spec is valid: the YAML is read here
 * and checked by acceptedSpec; anything it does not accept goes to parseBundleSpec (spec.ts),
 * which reads it again and refuses it with every problem and its line.
 */
export async function parseBundleSpecLazily(text: string, file: string): Promise<BundleSpec> {
  let raw: unknown;
  try {
    raw = yaml.load(text, { filename: file });
  } catch {
    raw = undefined;
  }
  const spec = raw === undefined ? undefined : acceptedSpec(raw);
  return spec ?? (await import('./spec.js')).parseBundleSpec(text, file);
}
