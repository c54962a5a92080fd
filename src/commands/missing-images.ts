import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ECR_MANIFEST_FILE, missingImages } from '../docs/ecr-manifest.js';

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
