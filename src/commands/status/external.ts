import {
  type ExternalImage,
  externalImagesOf,
  pullsFromOutside,
} from '../../model/external-images.js';
import type { BundleRecord } from '../../model/record.js';
import { parseBundleSpecLazily } from '../../model/spec-check.js';
import type { Git } from '../../repo/git-access.js';

/**
 * A record's external images as the spec committed at HEAD judges them. ecr.mirrors says how
 * the nodes pull, not what a bundle holds: a mirror added after the bundle was deployed makes
 * its images pullable at once, as a push recorded in docs/ecr-manifest.md clears "no ECR",
 * without deploying the same manifests again. HEAD's spec only takes images away (the record
 * lists none its own mirrors covered); a spec HEAD lacks or cannot parse leaves the record's.
 */
export async function externalImagesAtHead(
  git: Git,
  root: string,
  record: BundleRecord,
  /** Mirrors per spec path, read once per status run. */
  cache: Map<string, Promise<readonly string[]>>,
): Promise<readonly ExternalImage[]> {
  const recorded = externalImagesOf(record);
  const registry = record.spec.ecr?.registry;
  if (!recorded.length || !registry) return recorded;
  let mirrors = cache.get(record.specPath);
  if (!mirrors) {
    mirrors = mirrorsAtHead(git, root, record.specPath);
    cache.set(record.specPath, mirrors);
  }
  const now = await mirrors;
  return recorded.filter((e) => pullsFromOutside(e.image, { registry, mirrors: now }));
}

async function mirrorsAtHead(git: Git, root: string, specPath: string): Promise<string[]> {
  const text = await git.showCommittedFile(root, 'HEAD', specPath);
  if (!text) return [];
  try {
    const spec = await parseBundleSpecLazily(text.toString('utf8'), specPath);
    return [...(spec.ecr?.mirrors ?? [])];
  } catch {
    return []; // bundle refuses it, with its lines; status still reports the record's
  }
}
