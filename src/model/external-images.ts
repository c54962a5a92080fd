import { registryHost as host, parseImageRef } from './images.js';
import type { BundleRecord } from './record.js';

/**
 * Images the shipped manifests pull from a registry other than the spec's ECR registry
 * (quay.io, docker.io, ghcr.io…). Pushing them to ECR is not enough: the Deployment still
 * names the public host, which a cluster behind the air gap cannot reach, so its pods end in
 * ImagePullBackOff while docs/ecr-manifest.md shows the image as present.
 */
export interface ExternalImage {
  /** The shipped file that names it, repo-relative, and the first line that does. */
  file: string;
  line: number;
  image: string;
  /** What to write instead: the same repository and tag (or digest) in the ECR registry. */
  ecrReference: string;
}

export interface EcrRegistry {
  registry: string;
  /** Registry hosts the cluster's nodes reach through a mirror or pull-through cache. */
  mirrors?: readonly string[] | undefined;
}

/** Whether pods naming the image pull it from outside the spec's ECR registry and its mirrors. */
export function pullsFromOutside(image: string, ecr: EcrRegistry): boolean {
  const registry = host(parseImageRef(image).registry);
  if (registry === host(ecr.registry)) return false;
  return !(ecr.mirrors ?? []).some((mirror) => host(mirror) === registry);
}

/**
 * The spec's `ecr.mirrors` that are the registry of no image in the manifests: most likely a
 * typo (`quay` for `quay.io`), which leaves every warning it was meant to quiet. As
 * ignoreImages globs that match nothing are reported.
 */
export function unusedMirrors(ecr: EcrRegistry, images: readonly string[]): string[] {
  const registries = new Set(imageRegistries(images));
  return (ecr.mirrors ?? []).filter((mirror) => !registries.has(host(mirror)));
}

/** The registry hosts the images name, docker.io for those without one, sorted. */
function imageRegistries(images: readonly string[]): string[] {
  return [...new Set(images.map((image) => host(parseImageRef(image).registry)))].sort();
}

/** `airgap bundle`'s warning for each unused mirror, naming the hosts outside ECR the images use. */
export function unusedMirrorWarnings(
  ecr: EcrRegistry,
  images: readonly string[],
  specPath: string,
): string[] {
  const named = imageRegistries(images).filter((registry) => registry !== host(ecr.registry));
  return unusedMirrors(ecr, images).map(
    (mirror) =>
      `${specPath}: ecr.mirrors ${mirror} is the registry of no image in the manifests${named.length ? ` (they name ${named.join(', ')})` : ''}`,
  );
}

/** `<registry>/<repository>:<tag>` (or `@<digest>`): where the CloudShell image block pushes it. */
export function ecrReference(image: string, registry: string): string {
  const ref = parseImageRef(image);
  return `${registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag}`}`;
}

/**
 * The first line of `text` that names the image (1 when none does: written with escapes),
 * for the file:line of the warning.
 */
export function lineNaming(text: string, image: string): number {
  const at = text.indexOf(image);
  if (at < 0) return 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * A record's external images: as bundle found them, or, for a record of an older airgap, its
 * manifest images (those the spec did not list) checked now, without a file.
 */
export function externalImagesOf(record: BundleRecord): readonly ExternalImage[] {
  if (record.externalImages) return record.externalImages;
  const ecr = record.spec.ecr;
  if (!ecr) return [];
  const listed = new Set(record.spec.images);
  return record.images
    .filter((image) => !listed.has(image) && pullsFromOutside(image, ecr))
    .map((image) => ({
      file: '',
      line: 0,
      image,
      ecrReference: ecrReference(image, ecr.registry),
    }));
}

/** `airgap bundle`'s warning for each: where, what, and what to write instead. */
export function externalImageWarnings(record: BundleRecord): string[] {
  return externalImagesOf(record).map((e) => {
    const where = e.file ? `${e.file}:${e.line}: ` : '';
    const from = parseImageRef(e.image).registry;
    return `${where}${e.image} is pulled from ${from}, outside the air gap: write ${e.ecrReference} instead (push it with the CloudShell image block), or list ${from} in ecr.mirrors if the nodes pull it through a mirror`;
  });
}
