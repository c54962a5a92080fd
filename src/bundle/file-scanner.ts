import { createHash, type Hash } from 'node:crypto';
import picomatch from 'picomatch';
import type { BundleFile } from '../model/record.js';
import type { TreeEntry } from '../repo/git.js';
import { sha256Hex } from '../util/hash.js';
import { isCredentialName, scanForCredentials } from './credential-files.js';
import { mayHoldCredentialBytes, mayHoldYamlRefusal } from './credential-screen.js';
import { lfsPointerProblem } from './lfs.js';
import type { ManifestObject } from './manifest-objects.js';
import type { ContentProblem } from './manifests.js';
import { isYamlPath } from './names.js';
import { symlinkProblem } from './plan.js';
import { type CachedScan, ScanCache } from './scan-cache.js';
import { scanContent } from './scan-content.js';
import { ScanWorker } from './scan-pool.js';
import type { ScreenTags } from './screen-tags.js';
import { symlinkChainProblems } from './symlinks.js';

/** Largest file whose text is scanned for credentials and parsed as YAML. */
export const SCAN_LIMIT = 8 * 1024 * 1024;
/** Below this much to scan, starting a worker thread costs more than it saves. */
const WORKER_MIN_BYTES = 2 * 1024 * 1024;

/**
 * Hashes and scans files as their chunks stream past on the way into the archive, one file at
 * a time (files arrive in order). Verdicts come from the cache when the blob was seen before;
 * otherwise from a worker thread when there is much to scan, so parsing overlaps packing.
 * Results are assembled in file order at the end, whatever order the verdicts came back in.
 */
export class FileScanner {
  readonly files: BundleFile[];
  readonly problems: ContentProblem[] = [];
  readonly images: Set<string>;
  /** Images found in the manifests that the spec's `ignoreImages` globs leave out. */
  readonly ignoredImages = new Set<string>();
  /** The first file that names each image, for the file:line of external-image warnings. */
  readonly imageFiles = new Map<string, string>();
  private readonly ignore: (image: string) => boolean;
  private readonly kubernetes: Array<[string, CachedScan]> = [];
  private objects: Map<string, ManifestObject[]> | undefined;
  private readonly verdicts: Array<CachedScan | undefined>;
  /** 1 where the cache was asked for the file's verdict (verdictAt). */
  private readonly looked: Uint8Array;
  private readonly fresh = new Set<number>();
  private readonly symlinkProblems = new Map<number, ContentProblem>();
  /** Started at the first file the cache has no verdict for (scanWorker), if there is much to scan. */
  private worker: ScanWorker | undefined;
  private workerDecided = false;
  private current = -1;
  /** Only for a file over SCAN_LIMIT, hashed as it streams past; the others when they end. */
  private hash: Hash | undefined;
  private kept: Buffer[] = [];
  private readonly links = new Map<string, string>();
  private readonly refusedLinks = new Set<string>();

  constructor(
    private readonly entries: readonly TreeEntry[],
    private readonly cache: ScanCache,
    extraImages: readonly string[],
    ignoreImages: readonly string[] = [],
    /** Proof the screen passed a cached file's bytes before; without it, it runs on each. */
    private readonly tags?: ScreenTags,
  ) {
    this.ignore = ignoreImages.length ? picomatch([...ignoreImages]) : () => false;
    // Keys in stableJson's order, so the record of 50,000 files is written without a copy.
    this.files = entries.map((e) => ({ mode: e.mode, path: e.path, sha256: '', size: e.size }));
    // Looked up as each file is packed (verdictAt): unpacking them all here made the main
    // thread's serial start longer, while it idles as the blobs are packed.
    this.verdicts = new Array(entries.length);
    this.looked = new Uint8Array(entries.length);
    this.images = new Set(extraImages);
  }

  /**
   * The scan worker, decided when a first file needs a scan rather than before the first blob:
   * the sum of what is to scan asked the cache about every file (~30 ms of the main thread's
   * serial start on a warm 50,000-file bundle, which scans none). The cache changes only in
   * finish(), so the sum is the one the start would have made.
   */
  private scanWorker(): ScanWorker | undefined {
    if (this.workerDecided) return this.worker;
    this.workerDecided = true;
    let toScan = 0;
    for (const e of this.entries) {
      if (
        e.size <= SCAN_LIMIT &&
        e.mode !== '120000' &&
        !this.cache.has(ScanCache.key(e.objectId, e.path))
      )
        toScan += e.size;
    }
    this.worker = toScan >= WORKER_MIN_BYTES ? ScanWorker.start(toScan) : undefined;
    return this.worker;
  }

  /**
   * The Kubernetes objects of each manifest, by path, in the order of the files. Built when
   * first read: a verdict from a scan thread parses its objects only then (scan-verdict.ts),
   * and a bundle whose spec lists its steps never reads them.
   */
  get manifests(): Map<string, ManifestObject[]> {
    this.objects ??= new Map(this.kubernetes.map(([path, verdict]) => [path, verdict.objects]));
    return this.objects;
  }

  /** Returns a promise to await when the scan worker is behind, so memory stays bounded. */
  chunk(index: number, chunk: Buffer): Promise<void> | undefined {
    if (index !== this.current) {
      this.close();
      this.current = index;
      this.hash = this.files[index]!.size > SCAN_LIMIT ? createHash('sha256') : undefined;
      this.kept = [];
    }
    // Cached files too: a verdict is used only once their text shows no rule could refuse it.
    if (this.hash) this.hash.update(chunk);
    else this.kept.push(chunk);
    return this.worker?.backpressure();
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
      this.symlinkProblems.set(index, {
        path: file.path,
        line: 1,
        kind: 'manifest',
        message: problem.slice(file.path.length + 2),
      });
  }

  /** Scans the last file and any file that had no chunk at all (empty files); collects verdicts. */
  async finish(): Promise<void> {
    this.close();
    for (const [index, file] of this.files.entries()) {
      if (!file.sha256 && file.mode !== '120000') {
        this.current = index;
        this.close();
      }
    }
    if (this.worker)
      for (const [index, verdict] of await this.worker.results()) this.verdicts[index] = verdict;
    for (const [index, file] of this.files.entries()) {
      const linkProblem = this.symlinkProblems.get(index);
      if (linkProblem) this.problems.push(linkProblem);
      const verdict = this.verdictAt(index);
      if (!verdict) continue;
      if (this.fresh.has(index))
        this.cache.set(ScanCache.key(this.entries[index]!.objectId, file.path), verdict);
      this.problems.push(...verdict.problems);
      for (const image of verdict.images) {
        if (this.ignore(image)) this.ignoredImages.add(image);
        else this.images.add(image);
        if (!this.imageFiles.has(image)) this.imageFiles.set(image, file.path);
      }
      if (verdict.isKubernetes) this.kubernetes.push([file.path, verdict]);
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
    if (index < 0) return;
    const file = this.files[index]!;
    file.sha256 = this.hash ? this.hash.digest('hex') : sha256Of(this.kept);
    this.hash = undefined;
    const cached = this.verdictAt(index);
    if (cached && file.size <= SCAN_LIMIT && this.mayRefuse(file.path, file.sha256))
      this.verdicts[index] = recheckCredentials(file.path, this.kept, cached);
    if (!this.verdicts[index]) {
      // A NUL byte makes a file binary, and scanContent then reads only its name: its bytes
      // (40 MB of the bench's 63) are neither joined here nor sent to a scan thread.
      const text = file.size <= SCAN_LIMIT && !this.kept.some((chunk) => chunk.includes(0));
      const content = text ? Buffer.concat(this.kept) : undefined;
      this.fresh.add(index);
      const worker = this.scanWorker();
      if (worker) worker.submit(index, file.path, content);
      else this.verdicts[index] = scanContent(file.path, content);
    }
    this.kept = [];
  }

  /** The file's verdict: the cache's, asked for the first time, or what replaced it since. */
  private verdictAt(index: number): CachedScan | undefined {
    if (!this.looked[index]) {
      this.looked[index] = 1;
      const entry = this.entries[index]!;
      this.verdicts[index] = this.cache.get(ScanCache.key(entry.objectId, entry.path));
    }
    return this.verdicts[index];
  }

  /**
   * Whether a cached verdict on this file could hide a refusal: its name looks like a
   * credential, or its text holds what a credential rule or a Secret needs (binary text is not
   * scanned). The text's screen is skipped when the tags prove it passed these bytes before.
   */
  private mayRefuse(path: string, sha256: string): boolean {
    if (isCredentialName(path)) return true;
    if (this.tags?.has(sha256)) return false;
    if (mayHoldCredentialBytes(this.kept)) return true;
    this.tags?.add(sha256);
    return false;
  }
}

/** A file's sha256 from its chunks: one chunk (most files of a 50,000-file bundle) in one call. */
function sha256Of(chunks: readonly Buffer[]): string {
  if (chunks.length === 1) return sha256Hex(chunks[0] as Buffer);
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * A cached verdict on a YAML file the screen flagged. When nothing in it can make the parsed
 * YAML refuse it (no Secret or KafkaUser can be spelled there, it is no LFS pointer), only the
 * credential rules run again over its text and the cached YAML-derived rest stays: what a
 * fresh scan gives, for the cost of the credential pass instead of a parse. Undefined
 * otherwise: the file is scanned afresh. Credential findings are the cache's only `secret`
 * problems such a file can have, so those are the ones replaced.
 */
function recheckCredentials(
  path: string,
  chunks: readonly Buffer[],
  cached: CachedScan,
): CachedScan | undefined {
  if (!isYamlPath(path) || isCredentialName(path)) return undefined;
  const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString();
  if (mayHoldYamlRefusal(text) || lfsPointerProblem(path, text).length) return undefined;
  const kept = cached.problems.filter((problem) => problem.kind !== 'secret');
  return { ...cached, problems: [...scanForCredentials(path, text), ...kept] };
}
