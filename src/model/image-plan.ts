import { isEcrRegistry, parseImageRef, registryHost } from './images.js';
import type { BundleRecord, Unit } from './record.js';

/**
 * CloudShell's units as data: the upload is unit 1 and each image it can push follows,
 * numbered by its place in the missing-image list. The CloudShell blocks are built from this
 * and ingest reads it (from the record's plan, or from here for a record that has none).
 */
export interface ImagePush {
  n: number;
  /** Where CloudShell pulls from (the internet). */
  source: string;
  registry: string;
  repository: string;
  tag: string;
}

export interface ImagePlan {
  pushes: ImagePush[];
  /** Images CloudShell cannot push, each with what to do instead. */
  unpushable: { image: string; reason: string }[];
}

/**
 * Images to push from CloudShell: those the bundle needs that docs/ecr-manifest.md did not
 * show for the environment. An ECR reference is pulled only from its `imageSources` entry,
 * never from a guessed public name; any other reference is mirrored into the spec's ECR
 * registry under the same path. Unit numbers follow the missing-image list, so they do not
 * move when a source is added.
 */
export function imagePlan(record: BundleRecord): ImagePlan {
  const registry = record.spec.ecr?.registry;
  const plan: ImagePlan = { pushes: [], unpushable: [] };
  record.missingImages.forEach((image, index) => {
    const ref = parseImageRef(image);
    const inEcr = isEcrRegistry(ref.registry);
    const target = inEcr ? ref.registry : registry;
    const upstream = record.spec.imageSources?.[ref.repository];
    if (!ref.tag) plan.unpushable.push({ image, reason: 'no tag: push it from CI' });
    else if (!target)
      plan.unpushable.push({ image, reason: 'no ECR registry: add ecr.registry to the spec' });
    else if (inEcr && !upstream)
      plan.unpushable.push({ image, reason: 'no source: add imageSources or push it from CI' });
    else {
      const source = inEcr ? `${upstream}:${ref.tag}` : image;
      plan.pushes.push({
        n: index + 2,
        source,
        registry: target,
        repository: ref.repository,
        tag: ref.tag,
      });
    }
  });
  return withoutOverwrites(plan, record.spec.imageSources ?? {});
}

/**
 * Two upstream images that land on one ECR reference (quay.io/strimzi/operator:0.32.0 and
 * docker.io's strimzi/operator:0.32.0): pushing both leaves whichever ran last in ECR. One push
 * is kept: the one from the repository's `imageSources` entry when one matches, else the first;
 * the others are not pushed, each with what to do.
 */
function withoutOverwrites(plan: ImagePlan, sources: Record<string, string>): ImagePlan {
  const byTarget = new Map<string, ImagePush[]>();
  for (const push of plan.pushes) {
    const target = `${push.registry}/${push.repository}:${push.tag}`;
    byTarget.set(target, [...(byTarget.get(target) ?? []), push]);
  }
  const dropped = new Set<ImagePush>();
  for (const [target, pushes] of byTarget) {
    if (new Set(pushes.map((p) => sourceName(p.source))).size < 2) continue;
    const first = pushes[0] as ImagePush;
    const named = sources[first.repository];
    const kept =
      pushes.find((p) => named && sourceName(p.source) === sourceName(`${named}:${p.tag}`)) ??
      first;
    for (const push of pushes) {
      if (push === kept || sourceName(push.source) === sourceName(kept.source)) continue;
      dropped.add(push);
      plan.unpushable.push({
        image: push.source,
        reason: `${target} is also pushed from ${kept.source}, and one would overwrite the other: use one upstream in the manifests${named ? '' : ` or name it in imageSources (${first.repository})`}`,
      });
    }
  }
  return { ...plan, pushes: plan.pushes.filter((p) => !dropped.has(p)) };
}

/** An image as the runtime names it: nginx:1.27 and docker.io/library/nginx:1.27 are one. */
function sourceName(image: string): string {
  const ref = parseImageRef(image);
  return `${registryHost(ref.registry)}/${ref.repository}:${ref.tag}`;
}

export function imagePushes(record: BundleRecord): ImagePush[] {
  return imagePlan(record).pushes;
}

/** The CloudShell units as ingest numbers them: the upload is 1, image pushes follow. */
export function cloudshellUnits(record: BundleRecord): Unit[] {
  return [
    { n: 1, kind: 'upload', name: 'Upload the bundle to S3' },
    ...imagePushes(record).map((p) => ({
      n: p.n,
      kind: 'image' as const,
      name: `Push ${p.repository}:${p.tag} to ECR`,
      command: `push ${p.source} to ${p.registry}/${p.repository}:${p.tag}`,
    })),
  ];
}

/**
 * Warnings for `airgap bundle`: what will not work from CloudShell as the bundle stands. Here
 * rather than in paste/cloudshell.ts so that an unchanged rerun says it without the scripts.
 */
export function cloudshellWarnings(record: BundleRecord): string[] {
  return imagePlan(record).unpushable.map((u) => `${u.image}: ${u.reason}`);
}
