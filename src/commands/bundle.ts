import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeArchive } from '../bundle/archive.js';
import { ecrCheckCommand } from '../bundle/ecr-check.js';
import { assertShippable, FileScanner } from '../bundle/file-scanner.js';
import type { ContentProblem, ManifestObject } from '../bundle/manifests.js';
import {
  bundleIdFor,
  dirtyMatches,
  planSteps,
  planUnits,
  renderSha256Sums,
  selectEntries,
} from '../bundle/plan.js';
import { ScanCache } from '../bundle/scan-cache.js';
import { signArchive } from '../bundle/signing.js';
import { pathProblem, resolveSpecPath } from '../bundle/spec-path.js';
import { AirgapError } from '../errors.js';
import {
  type ArchiveFormat,
  archiveFileName,
  BUNDLE_FORMAT,
  type BundleFile,
  type BundleRecord,
  s3Key,
  stableJson,
} from '../model/record.js';
import { type BundleSpec, parseBundleSpec } from '../model/spec.js';
import { BlobReader } from '../repo/blob-reader.js';
import {
  type Commit,
  type DirtyPath,
  dirtyPaths,
  gitDirOf,
  headCommit,
  listTree,
  repoRoot,
  showCommittedFile,
} from '../repo/git.js';
import {
  pasteTransferBlocks,
  pasteTransferScript,
  renderPasteTransfer,
} from '../scripts/paste-transfer.js';
import { renderOutDirScripts } from '../scripts/render.js';
import { publishDirectory } from '../util/atomic.js';
import { startProgress } from '../util/progress.js';
import { recordPreparedBundle } from './bundle-docs.js';
import { findMissingImages } from './missing-images.js';

export interface BundleOptions {
  spec: string;
  repo?: string;
  out?: string;
  allowDirty?: boolean;
  format?: ArchiveFormat;
  strict?: boolean;
  /** Also write PASTE-TRANSFER.md: the archive as base64 blocks, for bastions without S3. */
  paste?: boolean;
  /** ssh private key for specs with `signing` (overrides signing.key). */
  signKey?: string;
  progress?: boolean;
  cwd?: string;
  now?: () => Date;
}

export interface BundleResult {
  record: BundleRecord;
  outDir: string;
  archivePath: string;
  dirty: DirtyPath[];
  warnings: string[];
  totalBytes: number;
}

export async function bundle(options: BundleOptions): Promise<BundleResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = await repoRoot(options.repo ? resolve(cwd, options.repo) : cwd);
  const commit = await headCommit(root);
  const specPath = await resolveSpecPath(root, options.spec, cwd);
  const specText = await showCommittedFile(root, commit.sha, specPath);
  if (specText === undefined) {
    throw new AirgapError(`${specPath} is not committed`, {
      hint: `commit it first: git add ${specPath} && git commit`,
      code: 'dirtyTree',
    });
  }
  const spec = parseBundleSpec(specText.toString('utf8'), specPath);
  const entries = selectEntries(spec, await listTree(root, commit.sha), specPath);
  const dirty = dirtyMatches(spec, await dirtyPaths(root), specPath);
  const warnings: string[] = [];
  if (dirty.length && !options.allowDirty) {
    throw new AirgapError(`${dirty.length} file(s) the bundle covers differ from the HEAD commit`, {
      details: dirty.map(
        (d) =>
          `${d.status.trim() === '??' ? 'untracked' : d.status.includes('M') ? 'modified' : 'changed'}: ${d.path}`,
      ),
      hint: 'commit them (git add … && git commit), or pass --allow-dirty to pack HEAD as committed',
      code: 'dirtyTree',
    });
  }
  if (dirty.length)
    warnings.push(
      `--allow-dirty: ${dirty.length} changed file(s) ignored; packed ${commit.sha.slice(0, 7)} as committed`,
    );

  const problems: ContentProblem[] = [];
  const pathProblems = entries
    .map((e) => pathProblem(e.path))
    .filter((p): p is string => p !== undefined);
  if (pathProblems.length) {
    throw new AirgapError('some file names cannot be shipped safely', {
      details: pathProblems,
      code: 'invalidSpec',
    });
  }

  const totalBytes = entries.reduce((sum, e) => sum + e.size, 0);
  const id = bundleIdFor(spec.name, commit.sha);
  const format = options.format ?? 'tar.gz';
  const archiveName = archiveFileName(id, format);
  const outRoot = resolve(cwd, options.out ?? join(root, '.airgap', 'out'));
  const outDir = join(outRoot, id);
  const tempDir = `${outDir}.tmp-${process.pid}`;
  await rm(tempDir, { recursive: true, force: true });
  await mkdir(tempDir, { recursive: true });

  // One pass over the blobs: pack, hash and scan together. The metadata goes last in the
  // archive, and nothing is published unless every check passes.
  const cache = ScanCache.load(await gitDirOf(root));
  const scanner = new FileScanner(entries, cache, spec.images);
  const progress = startProgress({
    label: 'packing',
    total: totalBytes,
    unit: 'bytes',
    enabled: options.progress ?? false,
  });
  const reader = new BlobReader(
    root,
    entries.map((e) => e.objectId),
  );
  let record: BundleRecord | undefined;
  // Serialised once: the out dir and the repo keep the same bytes (10 MB for 50,000 files).
  let recordJson = '';
  try {
    const archive = await writeArchive({
      format,
      mtime: new Date(commit.time * 1000),
      entries,
      blobs: reader,
      outPath: join(tempDir, archiveName),
      onChunk: (index, chunk) => {
        progress.add(chunk.length);
        return scanner.chunk(index, chunk);
      },
      onSymlink: (index, target) => scanner.symlink(index, target),
      trailer: async () => {
        await scanner.finish();
        record = makeRecord({
          id,
          spec,
          specPath,
          commit,
          files: scanner.files,
          manifests: scanner.manifests,
          images: scanner.images,
        });
        return [
          { name: 'bundle.json', content: stableJson(record) },
          { name: 'SHA256SUMS', content: renderSha256Sums(scanner.files) },
        ];
      },
    });
    reader.close();
    progress.done();
    await cache.save();
    if (!record) throw new AirgapError('internal: the bundle record was not built');
    const built: BundleRecord = record;
    assertShippable([...problems, ...scanner.problems], spec.allowSecrets, warnings);
    const missingImages = await findMissingImages(root, built.images, spec.environment);
    if (missingImages.length && options.strict) {
      throw new AirgapError(
        `${missingImages.length} image(s) are not recorded in docs/ecr-manifest.md for ${spec.environment}`,
        {
          details: missingImages,
          hint: 'push them to ECR (see cloudshell.sh) and record them, or drop --strict to continue with a warning',
          code: 'invalidSpec',
        },
      );
    }
    let signature: BundleRecord['signature'];
    if (spec.signing) {
      const key = options.signKey ?? spec.signing.key;
      if (!key) {
        throw new AirgapError(`${specPath} requires a signed bundle`, {
          hint: 'pass --sign-key PATH (an ssh private key listed in allowed_signers)',
          code: 'usage',
        });
      }
      const signers = await showCommittedFile(root, commit.sha, spec.signing.allowedSigners);
      if (signers === undefined) {
        throw new AirgapError(
          `${spec.signing.allowedSigners} (signing.allowedSigners) is not committed`,
          {
            hint: 'commit the allowed_signers file: the bastion trusts only committed signers',
            code: 'invalidSpec',
          },
        );
      }
      const signersFile = join(tempDir, '.allowed_signers');
      await writeFile(signersFile, signers);
      const sig = await signArchive({
        archive: join(tempDir, archiveName),
        key,
        identity: spec.signing.identity,
        allowedSigners: spec.signing.allowedSigners,
        allowedSignersFile: signersFile,
      });
      await rm(signersFile);
      signature = {
        identity: spec.signing.identity,
        allowedSigners: signers.toString('utf8'),
        allowedSignersPath: spec.signing.allowedSigners,
        sig,
      };
    }
    // The record is complete from here on and never changes.
    const finalRecord: BundleRecord = {
      ...built,
      missingImages,
      ...(signature ? { signature } : {}),
      archive: {
        file: archiveName,
        format,
        sha256: archive.sha256,
        size: archive.size,
        key: s3Key(spec.s3.prefix, archiveName),
      },
    };
    await writeFile(join(tempDir, `${archiveName}.sha256`), `${archive.sha256}  ${archiveName}\n`);
    recordJson = stableJson(finalRecord);
    await writeFile(join(tempDir, 'bundle.json'), recordJson);
    if (options.paste) {
      const blocks = pasteTransferBlocks(finalRecord, await readFile(join(tempDir, archiveName)));
      await writeFile(join(tempDir, 'PASTE-TRANSFER.md'), renderPasteTransfer(finalRecord, blocks));
      await writeFile(
        join(tempDir, 'paste-transfer.sh'),
        pasteTransferScript(finalRecord, blocks),
        { mode: 0o755 },
      );
    }
    for (const script of renderOutDirScripts(finalRecord)) {
      await writeFile(join(tempDir, script.name), script.content, {
        mode: script.executable ? 0o755 : 0o644,
      });
    }
    await publishDirectory(tempDir, outDir);
    record = finalRecord;
  } catch (error) {
    reader.close();
    progress.done();
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  const pasteSheet = join(outDir, 'PASTE.md');
  warnings.push(
    ...(await recordPreparedBundle(
      root,
      record!,
      recordJson,
      pasteSheet,
      (options.now ?? (() => new Date()))(),
    )),
  );
  return {
    record: record!,
    outDir,
    archivePath: join(outDir, archiveName),
    dirty,
    warnings,
    totalBytes,
  };
}

function makeRecord(input: {
  id: string;
  spec: BundleSpec;
  specPath: string;
  commit: Commit;
  files: BundleFile[];
  manifests: ReadonlyMap<string, ManifestObject[]>;
  images: ReadonlySet<string>;
}): BundleRecord {
  const { spec } = input;
  return {
    format: BUNDLE_FORMAT,
    id: input.id,
    name: spec.name,
    environment: spec.environment,
    description: spec.description,
    commit: input.commit.sha,
    commitTime: new Date(input.commit.time * 1000).toISOString(),
    specPath: input.specPath,
    spec,
    files: input.files,
    units: planUnits(
      planSteps(spec, input.files, input.manifests),
      spec.verify,
      spec.ecr?.check ? ecrCheckCommand([...input.images].sort(), spec.ecr) : undefined,
    ),
    images: [...input.images].sort(),
    missingImages: [],
    s3: {
      bucket: spec.s3.bucket,
      prefix: spec.s3.prefix,
      region: spec.s3.region,
      ...(spec.s3.endpoint ? { endpoint: spec.s3.endpoint } : {}),
      ...(spec.s3.forcePathStyle ? { forcePathStyle: true } : {}),
    },
  };
}
