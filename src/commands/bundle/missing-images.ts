import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ECR_MANIFEST_FILE, missingImages } from '../../docs/ecr-manifest.js';
import { AirgapError } from '../../errors.js';
import type { BundlePlan } from './plan.js';

/** Reads the working copy of docs/ecr-manifest.md: it is the team's current knowledge of ECR. */
export async function findMissingImages(
  root: string,
  images: readonly string[],
  environment: string,
): Promise<string[]> {
  let text = '';
  try {
    text = await readFile(join(root, ECR_MANIFEST_FILE), 'utf8');
  } catch {
    // No manifest yet: every image is unconfirmed.
  }
  return missingImages(images, text, environment);
}

/** Images not recorded in docs/ecr-manifest.md for the environment; an error with --strict. */
export async function checkImages(
  plan: Pick<BundlePlan, 'root' | 'spec'>,
  images: readonly string[],
  strict: boolean,
): Promise<string[]> {
  const { environment } = plan.spec;
  const missingImages = await findMissingImages(plan.root, images, environment);
  if (missingImages.length && strict) {
    throw new AirgapError(
      `${missingImages.length} image(s) are not recorded in docs/ecr-manifest.md for ${environment}`,
      {
        details: missingImages,
        hint: 'push them to ECR (see cloudshell.sh) and record them, or drop --strict to continue with a warning',
        code: 'invalidSpec',
      },
    );
  }
  return missingImages;
}
