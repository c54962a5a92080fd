import { ecrCheckCommand } from '../../bundle/ecr-check.js';
import type { ManifestObject } from '../../bundle/manifest-objects.js';
import { planSteps, planUnits } from '../../bundle/plan.js';
import type { ExternalImage } from '../../model/external-images.js';
import type {
  ArchiveFormat,
  BundleFile,
  BundleRecord,
  ContentManifest,
} from '../../model/record.js';
import { BUNDLE_FORMAT } from '../../model/record-format.js';
import { s3Key } from '../../model/record-paths.js';
import type { BundlePlan } from './plan.js';

/** The part of the record that the archive's content decides, known once packing is done. */
export type BundleContent = Omit<
  BundleRecord,
  'missingImages' | 'externalImages' | 'signature' | 'archive' | 'plan'
>;

export function bundleContent(
  plan: BundlePlan,
  scanned: {
    files: BundleFile[];
    manifests: ReadonlyMap<string, ManifestObject[]>;
    images: ReadonlySet<string>;
  },
): BundleContent {
  const { spec } = plan;
  const planned = planSteps(spec, scanned.files, () => scanned.manifests);
  return {
    format: BUNDLE_FORMAT,
    id: plan.id,
    name: spec.name,
    environment: spec.environment,
    // Public installs ship with a spec of name, environment, files and s3 alone.
    description: spec.description ?? `Deploy ${spec.name} to ${spec.environment}`,
    contentHash: plan.contentHash,
    commit: plan.firstCommit.sha,
    commitTime: new Date(plan.firstCommit.time * 1000).toISOString(),
    specPath: plan.specPath,
    spec,
    files: scanned.files,
    units: planUnits(
      planned.steps,
      spec.verify,
      spec.ecr?.check ? ecrCheckCommand([...scanned.images].sort(), spec.ecr) : undefined,
      spec.observe,
    ),
    ...(planned.notes.length ? { planNotes: planned.notes } : {}),
    ...(planned.unsetNamespaces?.length ? { unsetNamespaces: planned.unsetNamespaces } : {}),
    images: [...scanned.images].sort(),
    s3: {
      bucket: spec.s3.bucket,
      prefix: spec.s3.prefix,
      region: spec.s3.region,
      ...(spec.s3.endpoint ? { endpoint: spec.s3.endpoint } : {}),
      ...(spec.s3.forcePathStyle ? { forcePathStyle: true } : {}),
    },
  };
}

/**
 * bundle.json inside the archive: what it holds and runs. No commit and nothing learnt after
 * packing, so the same content always gives the same archive bytes.
 */
export function contentManifest(content: BundleContent): ContentManifest {
  const { commit: _commit, commitTime: _commitTime, ...manifest } = content;
  return manifest;
}

/** The bundle record, built once after every check and never changed afterwards. */
export function makeRecord(
  content: BundleContent,
  facts: {
    missingImages: string[];
    externalImages: ExternalImage[];
    signature: BundleRecord['signature'];
    archive: { file: string; format: ArchiveFormat; sha256: string; size: number };
  },
): Readonly<BundleRecord> {
  return Object.freeze({
    ...content,
    missingImages: facts.missingImages,
    ...(facts.externalImages.length ? { externalImages: facts.externalImages } : {}),
    ...(facts.signature ? { signature: facts.signature } : {}),
    archive: { ...facts.archive, key: s3Key(content.spec.s3.prefix, facts.archive.file) },
  });
}
