import { createHash, type Hash } from 'node:crypto';
import { AirgapError } from '../errors.js';
import type { BundleFile } from '../model/record.js';
import type { TreeEntry } from '../repo/git.js';
import { lfsPointerProblem } from './lfs.js';
import {
  type ContentProblem,
  isYamlPath,
  type ManifestObject,
  scanForCredentials,
  scanManifest,
} from './manifests.js';
import { symlinkProblem } from './plan.js';
import { type CachedScan, ScanCache } from './scan-cache.js';
import { symlinkChainProblems } from './symlinks.js';

/** Largest file whose text is scanned for credentials and parsed as YAML. */
export const SCAN_LIMIT = 8 * 1024 * 1024;

/**
 * Hashes and scans files as their chunks stream past on the way into the archive, one file at
 * a time (files arrive in order). Verdicts come from the cache when the blob was seen before.
 */
export class FileScanner {
  readonly files: BundleFile[];
  readonly problems: ContentProblem[] = [];
  readonly images: Set<string>;
  /** The Kubernetes objects of each manifest, by path, in the order of the files. */
  readonly manifests = new Map<string, ManifestObject[]>();
  private readonly cached: Array<CachedScan | undefined>;
  private current = -1;
  // Created as each file starts: 50,000 hash objects up front cost hundreds of MB.
  private hash: Hash | undefined;
  private kept: Buffer[] = [];
  private readonly links = new Map<string, string>();
  private readonly refusedLinks = new Set<string>();

  constructor(
    private readonly entries: readonly TreeEntry[],
    private readonly cache: ScanCache,
    extraImages: readonly string[],
  ) {
    this.files = entries.map((e) => ({ path: e.path, size: e.size, mode: e.mode, sha256: '' }));
    this.cached = entries.map((e) => cache.get(ScanCache.key(e.objectId, e.path)));
    this.images = new Set(extraImages);
  }

  chunk(index: number, chunk: Buffer): void {
    if (index !== this.current) {
      this.close();
      this.current = index;
      this.hash = createHash('sha256');
      this.kept = [];
    }
    this.hash?.update(chunk);
    if (!this.cached[index] && this.files[index]!.size <= SCAN_LIMIT) this.kept.push(chunk);
  }

  symlink(index: number, target: string): void {
    this.close();
    const file = this.files[index]!;
    file.linkTarget = target;
    file.sha256 = createHash('sha256').update(target).digest('hex');
    const problem = symlinkProblem(file.path, target);
    this.links.set(file.path, target);
    if (problem) this.refusedLinks.add(file.path);
    if (problem)
      this.problems.push({
        path: file.path,
        line: 1,
        kind: 'manifest',
        message: problem.slice(file.path.length + 2),
      });
  }

  /** Scans the last file and any file that had no chunk at all (empty files). */
  finish(): void {
    this.close();
    for (const [index, file] of this.files.entries()) {
      if (!file.sha256 && file.mode !== '120000') {
        this.current = index;
        this.hash = createHash('sha256');
        this.kept = [];
        this.close();
      }
    }
    // Each link alone may stay inside; followed through the others, it may not.
    for (const { path, message } of symlinkChainProblems(this.links)) {
      if (!this.refusedLinks.has(path))
        this.problems.push({ path, line: 1, kind: 'manifest', message });
    }
  }

  private close(): void {
    const index = this.current;
    this.current = -1;
    if (index < 0 || !this.hash) return;
    const file = this.files[index]!;
    file.sha256 = this.hash.digest('hex');
    this.hash = undefined;
    let verdict = this.cached[index];
    if (!verdict) {
      const content = file.size <= SCAN_LIMIT ? Buffer.concat(this.kept) : undefined;
      const text = content && !content.includes(0) ? content.toString('utf8') : undefined;
      verdict = {
        problems: [...lfsPointerProblem(file.path, text), ...scanForCredentials(file.path, text)],
        images: [],
        isKubernetes: false,
        objects: [],
      };
      if (text !== undefined && isYamlPath(file.path)) {
        const scan = scanManifest(file.path, text);
        verdict.problems.push(...scan.problems);
        verdict.images = scan.images;
        verdict.isKubernetes = scan.isKubernetes;
        verdict.objects = scan.objects;
      }
      this.cache.set(ScanCache.key(this.entries[index]!.objectId, file.path), verdict);
    }
    this.kept = [];
    this.problems.push(...verdict.problems);
    for (const image of verdict.images) this.images.add(image);
    if (verdict.isKubernetes) this.manifests.set(file.path, verdict.objects);
  }
}

/**
 * Throws one error listing every problem that blocks shipping; secrets the spec allows (with a
 * reason) become warnings instead.
 */
export function assertShippable(
  problems: readonly ContentProblem[],
  allowSecrets: ReadonlyArray<{ path: string; reason: string }>,
  warnings: string[],
): void {
  const allowed = new Map(allowSecrets.map((a) => [a.path, a.reason]));
  const blocking = problems.filter((p) => !(p.kind === 'secret' && allowed.has(p.path)));
  for (const p of problems) {
    if (p.kind === 'secret' && allowed.has(p.path))
      warnings.push(`${p.path}: ${p.message} (allowed: ${allowed.get(p.path)})`);
  }
  if (!blocking.length) return;
  const secret = blocking.some((p) => p.kind === 'secret');
  throw new AirgapError(`${blocking.length} problem(s) in the files to ship; nothing was written`, {
    details: blocking.map((p) => `${p.path}:${p.line}: ${p.message}`),
    hint: secret
      ? 'remove secrets from the bundle, or list the file under allowSecrets with a reason in the spec'
      : 'fix each file above and commit',
    code: secret ? 'unsafeContent' : 'invalidSpec',
  });
}
