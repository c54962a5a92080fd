import { join } from 'node:path';
import picomatch from 'picomatch';
import { assertShippable } from '../../bundle/allow-secrets.js';
import { ARCHIVE_MTIME, type ArchiveInput, writeArchive } from '../../bundle/archive.js';
import { FileScanner } from '../../bundle/file-scanner.js';
import type { ContentProblem } from '../../bundle/manifests.js';
import { ScanCache } from '../../bundle/scan-cache.js';
import { ScreenTags } from '../../bundle/screen-tags.js';
import { invariantBroken } from '../../errors.js';
import {
  type ExternalImage,
  ecrReference,
  lineNaming,
  pullsFromOutside,
  unusedMirrorWarnings,
} from '../../model/external-images.js';
import { archiveCodec } from '../../paste/archive-codecs.js';
import type { Git } from '../../repo/git-access.js';
import { startProgress } from '../../util/progress.js';
import { type RenderedProperty, stableJsonReusing } from '../../util/stable-json.js';
import { checkImages } from './missing-images.js';
import type { BundlePlan } from './plan.js';
import { type BundleContent, bundleContent, contentManifest } from './record.js';
import { TrailerText } from './trailer-text.js';

// Its home is missing-images.ts, which an unchanged rerun loads without the packing modules.
export { checkImages };

export interface Packed {
  content: BundleContent;
  archive: { sha256: string; size: number };
  problems: ContentProblem[];
  /** Found in the manifests, left out by the spec's `ignoreImages`. */
  ignoredImages: string[];
  /** Manifest images pulled from outside the spec's ECR registry, with file and line. */
  externalImages: ExternalImage[];
  /** content.files as bundle.json holds them: the record reuses the text (stableJsonReusing). */
  files: RenderedProperty | undefined;
}

/** The scan cache and the screen tags of a repo, as the pack phase reads them. */
export interface ScanState {
  cache: ScanCache;
  tags: ScreenTags;
}

/**
 * Reads them now: the plan calls this while git lists the tree, so that the cache's parse
 * (0.4 s of a warm 50,000-file bundle) is not serial between the plan and the pipeline. The
 * tags only when the cache holds verdicts: a first bundle never reads or makes a key.
 */
export function loadScanState(gitDir: string): ScanState {
  const cache = ScanCache.load(gitDir);
  const tags = new ScreenTags(gitDir);
  if (cache.size) tags.preload();
  return { cache, tags };
}

/**
 * Pack phase: one pass over the blobs packs, hashes and scans together. The content manifest
 * (bundle.json) and SHA256SUMS go last in the archive, once every file has been hashed.
 */
export async function packBundle(
  plan: BundlePlan,
  git: Git,
  stagingDir: string,
  showProgress: boolean,
  /** The plan's repo's, when already read (loadScanState). */
  state?: ScanState,
): Promise<Packed> {
  const { root, entries, spec } = plan;
  const reader = git.blobs(root, entries);
  const progress = startProgress({
    label: 'packing',
    total: plan.totalBytes,
    unit: 'bytes',
    enabled: showProgress,
  });
  let content: BundleContent | undefined;
  let files: RenderedProperty | undefined;
  try {
    const { cache, tags } = state ?? loadScanState(plan.gitDir);
    const scanner = new FileScanner(entries, cache, spec.images, spec.ignoreImages, tags);
    const text = new TrailerText(scanner.files);
    const input: ArchiveInput = {
      format: plan.format,
      mtime: ARCHIVE_MTIME,
      entries,
      blobs: reader,
      outPath: join(stagingDir, plan.archiveName),
      onChunk: (index, chunk) => {
        progress.add(chunk.length);
        const wait = scanner.chunk(index, chunk);
        // A file's first chunk closes the one before it: that one's text can be written now.
        text.upTo(index);
        return wait;
      },
      onSymlink: (index, target) => {
        scanner.symlink(index, target);
        text.upTo(index + 1);
      },
      trailer: async () => {
        await scanner.finish();
        content = bundleContent(plan, scanner);
        const rendered = text.finish();
        files = rendered.files;
        return [
          { name: 'bundle.json', content: stableJsonReusing(contentManifest(content), files) },
          { name: 'SHA256SUMS', content: rendered.sums },
        ];
      },
    };
    const archive = await writeArchive(input, archiveCodec(plan.format).write);
    await cache.save();
    await tags.save();
    if (!content) throw invariantBroken('the bundle content was not scanned');
    return {
      content,
      archive,
      problems: scanner.problems,
      ignoredImages: [...scanner.ignoredImages].sort(),
      externalImages: await locateExternalImages(plan, git, content.images, scanner.imageFiles),
      files,
    };
  } finally {
    reader.close();
    progress.done();
  }
}

/**
 * The images of the manifests (not those the spec lists) that pods would pull from outside
 * the spec's ECR registry and its mirrors, each at the first line of the first file naming
 * it. Only those files are read again, from the commit packed.
 */
async function locateExternalImages(
  plan: BundlePlan,
  git: Git,
  images: readonly string[],
  imageFiles: ReadonlyMap<string, string>,
): Promise<ExternalImage[]> {
  const ecr = plan.spec.ecr;
  if (!ecr) return [];
  const found = images.flatMap((image) => {
    const file = imageFiles.get(image);
    return file && pullsFromOutside(image, ecr) ? [{ image, file }] : [];
  });
  const texts = new Map<string, Promise<string>>();
  const textOf = (file: string) => {
    let text = texts.get(file);
    if (!text) {
      text = git
        .showCommittedFile(plan.root, plan.commit.sha, file)
        .then((bytes) => bytes?.toString('utf8') ?? '');
      texts.set(file, text);
    }
    return text;
  };
  const located = await Promise.all(
    found.map(async ({ image, file }) => ({
      file,
      line: lineNaming(await textOf(file), image),
      image,
      ecrReference: ecrReference(image, ecr.registry),
    })),
  );
  return located.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/**
 * Check phase: every problem found while packing blocks the bundle (allowed secrets warn);
 * images not recorded in ECR warn, or fail with --strict.
 */
export async function checkBundle(
  plan: BundlePlan,
  packed: Packed,
  strict: boolean,
): Promise<{ missingImages: string[]; warnings: string[] }> {
  const { spec } = plan;
  const warnings: string[] = [];
  const problems: ContentProblem[] = [];
  assertShippable([...problems, ...packed.problems], spec.allowSecrets, warnings, plan.specPath);
  warnings.push(...unusedIgnoreGlobs(spec.ignoreImages ?? [], packed.ignoredImages, plan.specPath));
  if (spec.ecr)
    warnings.push(...unusedMirrorWarnings(spec.ecr, packed.content.images, plan.specPath));
  const missingImages = await checkImages(plan, packed.content.images, strict);
  return { missingImages, warnings };
}

/** An `ignoreImages` glob that left nothing out is most likely a typo: say so. */
function unusedIgnoreGlobs(globs: readonly string[], ignored: readonly string[], specPath: string) {
  return globs
    .filter((glob) => {
      const matches = picomatch(glob);
      return !ignored.some((image) => matches(image));
    })
    .map((glob) => `${specPath}: ignoreImages ${glob} matches no image in the manifests`);
}
