import { readFile } from 'node:fs/promises';
// A namespace import, not { z }: esbuild then keeps only the zod these schemas use, without
// its 60-odd locales (dist/bin/'s zod 590 -> 148 KB, about 100 ms CPU off a first bundle).
import * as z from 'zod';
import { ARCHIVE_FORMAT_NAMES } from './archive-formats.js';
import { UNIT_KINDS } from './markers.js';
import { BUNDLE_FORMAT } from './record-format.js';
import { parseTagged } from './record-parse.js';
import type { BundleSpec } from './spec.js';

/** Re-exported: records are what it was written for. */
export { stableJson } from '../util/stable-json.js';
export type { ArchiveFormat } from './archive-formats.js';
export { BUNDLE_FORMAT, RESERVED_NAMES, SIGNATURE_NAMESPACE } from './record-format.js';
export { archiveFileName, RECORDS_DIR, recordPath, s3Key } from './record-paths.js';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in hex');

/** One marker-delimited unit of work on the bastion, numbered in the order it runs. */
const unitSchema = z
  .object({
    n: z.number().int().positive(),
    kind: z.enum(UNIT_KINDS),
    name: z.string(),
    /** The exact command for step and verify-cmd units. */
    command: z.string().optional(),
    continueOnError: z.boolean().optional(),
    /** Units of the default plan with the same group share one paste block (its title). */
    group: z.string().optional(),
    /** Why the command runs as it does (server-side apply), shown in PASTE.md. */
    why: z.string().optional(),
    /** What a wait unit waits for, e.g. `crd/<name>` to be Established. */
    waitsFor: z.array(z.string()).optional(),
  })
  .strict();

/**
 * One paste block of PASTE.md, as data: its side and number there, what it says, the units it
 * runs (by number) and its code. Computed once at bundle time; PASTE.md, bastion.sh,
 * cloudshell.sh and ingest read these, so one number names a block and a unit everywhere.
 */
const planBlockSchema = z
  .object({
    side: z.enum(['cloudshell', 'bastion']),
    n: z.number().int().positive(),
    title: z.string(),
    purpose: z.string(),
    success: z.string(),
    units: z.array(z.number().int().positive()),
    /** Carries helpers.sh to the bastion: its echo is folded out of the runbook. */
    helpers: z.boolean().optional(),
    code: z.string(),
  })
  .strict();

const planSchema = z
  .object({
    blocks: z.array(planBlockSchema),
    /** CloudShell's units (the upload, each image push); the bastion's are `units`. */
    cloudshellUnits: z.array(unitSchema),
  })
  .strict();

const bundleFileSchema = z
  .object({
    path: z.string().min(1),
    size: z.number().int().nonnegative(),
    /** Octal mode as git records it: 100644, 100755 or 120000. */
    mode: z.string().regex(/^[0-7]{6}$/, 'expected an octal git mode such as 100644'),
    sha256: sha256Hex,
    linkTarget: z.string().optional(),
  })
  .strict();

const text = z.string();

/**
 * The spec as it was accepted when the bundle was built. Only its shape is checked on read, not
 * today's spec rules: those may tighten (a shorter description, a stricter name), and that must
 * not make the records of bundles already deployed unreadable. Unknown keys are kept.
 */
const recordedSpecShape = z.looseObject({
  name: text,
  environment: text,
  description: text.optional(),
  files: z.array(text),
  exclude: z.array(text).optional(),
  s3: z.looseObject({ bucket: text, prefix: text, region: text }),
  steps: z.array(z.looseObject({ name: text, run: text })).optional(),
  verify: z.array(text),
  images: z.array(text),
  ignoreImages: z.array(text).optional(),
  imageSources: z.record(text, text),
  ecr: z.looseObject({ registry: text, region: text }).optional(),
  signing: z.looseObject({ identity: text, allowedSigners: text }).optional(),
  allowSecrets: z.array(z.looseObject({ path: text, reason: text })),
});
/** A compile error when the shape above names a field BundleSpec does not have, or another type. */
type SpecFitsShape = BundleSpec extends z.infer<typeof recordedSpecShape> ? true : never;
const recordedSpecSchema = recordedSpecShape as unknown as z.ZodType<BundleSpec>;
const specFitsShape: SpecFitsShape = true;
void specFitsShape;

/**
 * The content manifest: bundle.json inside the archive, what the bundle holds and runs. No
 * commit and nothing learnt after packing (missing images, signature, the archive itself), so
 * the same content always gives the same archive bytes. Read by `upload` of the archive alone.
 */
const contentManifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    id: z.string().min(1),
    name: z.string().min(1),
    environment: z.string().min(1),
    description: z.string(),
    /** sha256 of what the bundle ships and does (see contentHash); absent in older records. */
    contentHash: sha256Hex.optional(),
    specPath: z.string().min(1),
    spec: recordedSpecSchema,
    files: z.array(bundleFileSchema),
    units: z.array(unitSchema),
    /** What the default plan left out or could not dry-run, and why (PASTE.md shows them). */
    planNotes: z.array(z.string()).optional(),
    /** Files applied without -n whose namespaced objects have no namespace (unset-namespaces.ts). */
    unsetNamespaces: z
      .array(
        z
          .object({
            file: z.string(),
            objects: z.number(),
            named: z.array(z.string()),
            into: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    images: z.array(z.string()),
    s3: z
      .object({
        bucket: z.string().min(1),
        prefix: z.string(),
        region: z.string().min(1),
        endpoint: z.string().optional(),
        forcePathStyle: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();

/** The archive a record describes: built before the record, so every record has one. */
const archiveSchema = z
  .object({
    file: z.string().min(1),
    format: z.enum(ARCHIVE_FORMAT_NAMES),
    sha256: sha256Hex,
    size: z.number().int().nonnegative(),
    key: z.string().min(1),
  })
  .strict();

/**
 * The bundle record: the content manifest and what only the repo and the build know. Beside
 * the archive in the out dir as bundle.json and committed in the ops repo under
 * bundles/records/ so that `ingest` works from a fresh clone. Every read goes through
 * parseRecord.
 */
const bundleRecordSchema = contentManifestSchema
  .extend({
    /** Where this content was first prepared: re-bundling it from a later commit keeps this one. */
    commit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a full git commit id'),
    commitTime: z.iso.datetime(),
    missingImages: z.array(z.string()),
    /**
     * Manifest images pulled from a registry other than the spec's ECR registry and its
     * mirrors (external-images.ts); absent when there are none, and in older records.
     */
    externalImages: z
      .array(
        z
          .object({
            file: z.string(),
            line: z.number().int().nonnegative(),
            image: z.string().min(1),
            ecrReference: z.string().min(1),
          })
          .strict(),
      )
      .optional(),
    /**
     * The paste plan of both sides (absent in records of older airgaps). Not in the archive's
     * bundle.json: the helper blocks carry the archive's sha256.
     */
    plan: planSchema.optional(),
    /** Present when the spec asks for signing: checked on the bastion before extraction. */
    signature: z
      .object({
        identity: z.string().min(1),
        allowedSigners: z.string(),
        allowedSignersPath: z.string().min(1),
        sig: z.string().min(1),
      })
      .strict()
      .optional(),
    archive: archiveSchema,
  })
  .strict();

/** Read-only all the way down: a record is built once, after every check, and never changed. */
type DeepReadonly<T> = T extends readonly (infer U)[]
  ? ReadonlyArray<DeepReadonly<U>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type Unit = DeepReadonly<z.infer<typeof unitSchema>>;
export type PlanBlock = DeepReadonly<z.infer<typeof planBlockSchema>>;
export type RecordPlan = DeepReadonly<z.infer<typeof planSchema>>;
export type UnitKind = Unit['kind'];
/** As the scanner builds it (it fills in sha256 and linkTarget while packing). */
export type BundleFile = z.infer<typeof bundleFileSchema>;
export type BundleRecord = DeepReadonly<z.infer<typeof bundleRecordSchema>>;
export type ContentManifest = DeepReadonly<z.infer<typeof contentManifestSchema>>;
export type ArchiveInfo = BundleRecord['archive'];

/**
 * Fields older airgaps wrote into the archive's bundle.json too (the whole record): what only
 * the repo knows is not the archive's to say, so a manifest carrying them reads without them.
 */
const RECORD_ONLY_KEYS = [
  'commit',
  'commitTime',
  'missingImages',
  'externalImages',
  'plan',
  'signature',
  'archive',
];

/**
 * Validates a bundle record read from `source` (a path, for messages). The format tag is
 * checked first, so a record of another version says so instead of listing field problems.
 */
export function parseRecord(text: string, source: string): BundleRecord {
  return parseTagged(text, source, bundleRecordSchema);
}

/** Validates the bundle.json of an archive (see contentManifestSchema). */
export function parseContentManifest(text: string, source: string): ContentManifest {
  return parseTagged(text, source, contentManifestSchema, RECORD_ONLY_KEYS);
}

/** Reads and validates bundle.json or bundles/records/<id>.json. */
export async function readRecord(path: string): Promise<BundleRecord> {
  return parseRecord(await readFile(path, 'utf8'), path);
}
