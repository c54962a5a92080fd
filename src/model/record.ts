import type { MarkerKind } from './markers.js';
import type { BundleSpec } from './spec.js';

export const BUNDLE_FORMAT = 'airgap-bundle/1';
/** Names the archive reserves at its root for its own metadata. */
export const RESERVED_NAMES = ['bundle.json', 'SHA256SUMS'] as const;

export type UnitKind = MarkerKind;

/** One marker-delimited unit of work on the bastion, numbered in the order it runs. */
export interface Unit {
  n: number;
  kind: UnitKind;
  name: string;
  /** The exact command for step and verify-cmd units. */
  command?: string;
  continueOnError?: boolean;
}

export interface BundleFile {
  path: string;
  size: number;
  /** Octal mode as git records it: 100644, 100755 or 120000. */
  mode: string;
  sha256: string;
  linkTarget?: string;
}

/** The ssh-keygen -Y namespace of bundle signatures: the laptop signs and the bastion verifies in it. */
export const SIGNATURE_NAMESPACE = 'airgap-bundle';

export type ArchiveFormat = 'tar.gz' | 'zip';

/**
 * Everything known about a bundle. Inside the archive as bundle.json (without `archive`),
 * beside it in the out dir, and committed in the ops repo under bundles/records/ so that
 * `ingest` works from a fresh clone.
 */
export interface BundleRecord {
  format: 'airgap-bundle/1';
  id: string;
  name: string;
  environment: string;
  description: string;
  commit: string;
  commitTime: string;
  specPath: string;
  spec: BundleSpec;
  files: BundleFile[];
  units: Unit[];
  images: string[];
  missingImages: string[];
  s3: {
    bucket: string;
    prefix: string;
    region: string;
    endpoint?: string;
    forcePathStyle?: boolean;
  };
  /** Present when the spec asks for signing: checked on the bastion before extraction. */
  signature?: { identity: string; allowedSigners: string; allowedSignersPath: string; sig: string };
  archive?: { file: string; format: ArchiveFormat; sha256: string; size: number; key: string };
}

export const RECORDS_DIR = 'bundles/records';

export function recordPath(bundleId: string): string {
  return `${RECORDS_DIR}/${bundleId}.json`;
}

export function archiveFileName(bundleId: string, format: ArchiveFormat): string {
  return `${bundleId}.${format}`;
}

export function s3Key(prefix: string, fileName: string): string {
  const clean = prefix.replace(/^\/+|\/+$/g, '');
  return clean ? `${clean}/${fileName}` : fileName;
}

/** Stable JSON: sorted object keys, so the same bundle always serialises to the same bytes. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        return Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        );
      }
      return v;
    },
    2,
  )}\n`;
}
