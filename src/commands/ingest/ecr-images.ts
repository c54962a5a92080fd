/**
 * What this ingest proves about images in ECR: the pushes and describe-images it shows, the
 * pushes that failed, and the images the bundle needs that are still not there.
 */
import { join } from 'node:path';
import {
  ECR_MANIFEST_FILE,
  type EcrImageRecord,
  missingImages,
  PUSH_FAILED,
  PUSH_NOT_RECORDED,
  upsertEcrImages,
} from '../../docs/ecr-manifest.js';
import { statusOf, type UnitResult } from '../../ingest/outcome/merge.js';
import {
  digestFromPushOutput,
  imagesFromDescribeImages,
  readRange,
} from '../../ingest/parse/images.js';
import { iso } from '../../ingest/runbook/runbook.js';
import { parseImageRef } from '../../model/images.js';
import { type FailedPush, NO_END_MARKER, pushCutShort } from '../../model/pushes.js';
import type { BundleRecord } from '../../model/record.js';
import { readTextOrEmpty } from '../../util/fs.js';

/**
 * Images the bundle needs that docs/ecr-manifest.md will not show in ECR for its environment
 * once this ingest has recorded what the transcript proves was pushed or found.
 */
export async function imagesStillMissing(
  root: string,
  record: BundleRecord,
  results: UnitResult[],
): Promise<{ missing: string[]; failedPushes: FailedPush[] }> {
  const before = await readTextOrEmpty(join(root, ECR_MANIFEST_FILE));
  const after = upsertEcrImages(before, collectImages(record, results)).text;
  return {
    missing: missingImages(record.images, after, record.environment),
    // A failed push leaves an image an earlier push put in ECR where it was: the manifest
    // still records it, and ingest must not say it is missing.
    failedPushes: failedPushes(results).map((f) =>
      missingImages([f.image], after, record.environment).length ? f : { ...f, inEcr: true },
    ),
  };
}

/** The image units of CloudShell's push blocks whose last attempt failed or was cut short. */
export function failedPushes(results: readonly UnitResult[]): FailedPush[] {
  return results.flatMap((r) => {
    const a = r.final;
    if (r.kind !== 'image' || !a || (r.status !== 'failed' && r.status !== 'incomplete')) return [];
    const image = / to (\S+)$/.exec(r.command ?? '')?.[1];
    if (!image) return [];
    const why = r.status === 'failed' ? `exit code ${a.rc}` : NO_END_MARKER;
    return [{ image, why, date: iso(a.endEpoch ?? a.beginEpoch).slice(0, 10) }];
  });
}

/**
 * docs/ecr-manifest.md rows that say a push failed, for images the manifest does not already
 * show in ECR (inEcr; missingImages does not count these rows; a later push replaces them).
 */
export function failedPushRows(
  record: BundleRecord,
  failed: readonly FailedPush[],
): EcrImageRecord[] {
  return failed.flatMap((f) => {
    if (f.inEcr) return [];
    const ref = parseImageRef(f.image);
    return [
      {
        repository: ref.repository,
        tag: ref.tag,
        environment: record.environment,
        date: f.date,
        ...(pushCutShort(f)
          ? {
              digest: PUSH_NOT_RECORDED,
              source:
                'CloudShell push not recorded (the output stops inside the push): may not be in ECR',
            }
          : { digest: PUSH_FAILED, source: `CloudShell push failed (${f.why}): not in ECR` }),
      },
    ];
  });
}

export function collectImages(record: BundleRecord, results: UnitResult[]): EcrImageRecord[] {
  const images: EcrImageRecord[] = [];
  for (const r of results) {
    // A push that succeeded put its image in ECR, whatever a later paste of the block did
    // (a push ECR refused removes nothing): its latest success is recorded.
    const a =
      r.kind === 'image' && r.status !== 'ok'
        ? [...r.earlier].reverse().find((e) => statusOf(e) === 'ok')
        : r.status === 'ok'
          ? r.final
          : undefined;
    if (!a) continue;
    const date = iso(a.endEpoch ?? a.beginEpoch).slice(0, 10);
    if (r.kind === 'image' && r.command) {
      const target = /to \S+?\/(.+):([^:\s]+)$/.exec(r.command);
      const digest = digestFromPushOutput(readRange(a.outputPath, a.outputStart, a.outputEnd));
      if (target && digest)
        images.push({
          repository: target[1]!,
          tag: target[2]!,
          digest,
          environment: record.environment,
          date,
          source: 'CloudShell push',
        });
    }
    if (r.command?.includes('aws ecr describe-images')) {
      for (const found of imagesFromDescribeImages(
        readRange(a.outputPath, a.outputStart, a.outputEnd),
      )) {
        images.push({
          ...found,
          environment: record.environment,
          date,
          source: `bastion describe-images (${a.host ?? 'bastion'})`,
        });
      }
    }
  }
  return images;
}
