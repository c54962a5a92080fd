import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withUncommitted } from '../../bundle/dirty.js';
import { bundleIdFor, contentHash, dirtyMatches, selectEntries } from '../../bundle/plan.js';
import { parseCommittedSpec } from '../../bundle/spec-committed.js';
import { noSpec, pathProblem, resolveSpecPath } from '../../bundle/spec-path.js';
import { AirgapError } from '../../errors.js';
import type { ArchiveFormat, BundleRecord } from '../../model/record.js';
import { archiveFileName, recordPath } from '../../model/record-paths.js';
import type { BundleSpec } from '../../model/spec.js';
import { GENERATOR_VERSION } from '../../model/version.js';
import type { Commit, DirtyPath, TreeEntry } from '../../repo/git.js';
import { readTextIfExists } from '../../util/fs.js';
import type { CommandContext } from '../context.js';
import { parseVouchedRecord, type RecordVouch, recordVouched } from './vouched-record.js';

export interface BundlePlanOptions {
  spec: string;
  repo?: string;
  out?: string;
  allowDirty?: boolean;
  format?: ArchiveFormat;
}

/** headCommitAndFile's answer for the spec at `specPath`, asked before the plan started. */
export interface EarlyShow {
  specPath: string;
  answer: Promise<{ commit: Commit; file: Buffer } | undefined>;
}

/** What the bundle will be, decided from the repo before any byte is packed. */
export interface BundlePlan {
  root: string;
  /** Its .git directory: the scan cache, the stamp, the lock and temp files live there. */
  gitDir: string;
  commit: Commit;
  spec: BundleSpec;
  specPath: string;
  entries: TreeEntry[];
  dirty: DirtyPath[];
  totalBytes: number;
  /** sha256 of what the bundle ships and does; the id is derived from it. */
  contentHash: string;
  id: string;
  /** The record of this same content from an earlier run, committed or not. */
  prepared?: { record: BundleRecord; json: string };
  /** Where the content was first prepared: an earlier record's commit, else HEAD. */
  firstCommit: Pick<Commit, 'sha' | 'time'>;
  format: ArchiveFormat;
  archiveName: string;
  outDir: string;
  warnings: string[];
}

/** Plan phase: resolve the spec, select committed files, refuse dirty or unshippable names. */
export async function planBundle(
  options: BundlePlanOptions,
  /** Where relative paths in the options start, and the git to ask. */
  { cwd, git }: Pick<CommandContext, 'cwd' | 'git'>,
  /** The root a caller's git already named for the same directory. */
  knownRoot?: string,
  /** `git status` in that repo, when the caller already started it (with knownRoot only). */
  knownStatus?: Promise<DirtyPath[]>,
  /** HEAD's commit read from .git's files (with knownRoot only): its tree is listed at once. */
  likelyCommit?: string,
  /** likelyCommit's tree, when the caller already started listing it. */
  likelyTree?: Promise<TreeEntry[]>,
  /** HEAD and the spec, asked early (with knownRoot only); used if the spec path is the same. */
  shown?: EarlyShow,
  /** Main-thread work to do while git answers (the scan cache's load), given the .git dir. */
  whileGitRuns?: (gitDir: string) => void,
  /** Record bytes a rerun stamp of this build vouches for: parsed by JSON.parse alone. */
  vouched?: RecordVouch,
): Promise<BundlePlan> {
  const root = knownRoot ?? (await git.repoRoot(options.repo ? resolve(cwd, options.repo) : cwd));
  // Each git starts as soon as what it needs is known, so they overlap (status needs only the
  // root, the tree only the commit); failures are reported in the order they were before.
  // Handed none with the root: the index may answer once HEAD's tree is known (below), and
  // `git status` starts only if it does not; else it starts now.
  let started = knownRoot ? knownStatus : undefined;
  const gitStatus = (): Promise<DirtyPath[]> => {
    if (!started) {
      started = git.dirtyPaths(root);
      started.catch(() => {});
    }
    return started;
  };
  const indexFirst = knownRoot !== undefined && !knownStatus && git.statusFromIndex !== undefined;
  if (!indexFirst) gitStatus();
  // HEAD and the spec from one git process; on any other answer (or a git without it) the
  // two the old way, whose failures are reported in their old order (no commit before an
  // unknown spec).
  const resolved = resolveSpecPath(root, options.spec, cwd);
  resolved.catch(() => {});
  // The tree of the commit .git's files name, listed beside `git show` rather than after it;
  // used only if git's HEAD is that commit, and its failure reported where it was before.
  const early =
    knownRoot && likelyCommit ? (likelyTree ?? git.listTree(root, likelyCommit)) : undefined;
  early?.catch(() => {});
  const gitDir = git.gitDirOf(root);
  gitDir.catch(() => {});
  // Done while git show, git status and ls-tree run (ls-tree writes into a file, so it does
  // not wait on the main thread): a failed gitDirOf is reported where it was before.
  if (whileGitRuns) await gitDir.then(whileGitRuns, () => {});
  const both = await resolved.then(
    (path) =>
      knownRoot && shown?.specPath === path ? shown.answer : git.headCommitAndFile?.(root, path),
    () => undefined,
  );
  const commit = both?.commit ?? (await git.headCommit(root));
  const specPath = await resolved;
  const tree = early && likelyCommit === commit.sha ? early : git.listTree(root, commit.sha);
  tree.catch(() => {});
  const specText = both ? both.file : await git.showCommittedFile(root, commit.sha, specPath);
  if (specText === undefined) {
    // Not in HEAD and not on disk either: a typo, not a file to commit.
    if (!existsSync(join(root, specPath))) throw await noSpec(root, `${specPath}: no such file`);
    throw new AirgapError(`${specPath} is not committed`, {
      hint: `commit it first: git add ${specPath} && git commit`,
      code: 'dirtyTree',
    });
  }
  // Without zod when the spec is valid (spec-check.ts); zod words any refusal, and an invalid
  // committed spec is checked against the working copy (a fix not yet committed).
  const specSource = specText.toString('utf8');
  const spec = await parseCommittedSpec(specSource, specPath, root);
  const status = indexFirst
    ? statusFromIndexOrGit(git, root, await gitDir.catch(() => undefined), commit.tree, gitStatus, {
        spec,
        specPath,
      })
    : gitStatus();
  // The tree is awaited first: its failure is reported before the status's.
  let entries: TreeEntry[];
  try {
    entries = selectEntries(spec, await tree, specPath, specSource);
  } catch (error) {
    throw await withUncommitted(error, spec, status, specPath);
  }
  const dirty = dirtyMatches(spec, await status, specPath);
  const warnings = dirtyWarnings(dirty, commit, options.allowDirty ?? false);
  const pathProblems = entries
    .map((e) => pathProblem(e.path))
    .filter((p): p is string => p !== undefined);
  if (pathProblems.length) {
    throw new AirgapError('some file names cannot be shipped safely', {
      details: pathProblems,
      code: 'invalidSpec',
    });
  }
  const format = options.format ?? 'tar.gz';
  const hash = contentHash({ generator: GENERATOR_VERSION, format, specPath, spec, entries });
  const id = bundleIdFor(spec.name, hash);
  const prepared = await readPreparedRecord(root, id, hash, vouched);
  const outRoot = resolve(cwd, options.out ?? join(root, '.airgap', 'out'));
  return {
    root,
    gitDir: await gitDir,
    commit,
    spec,
    specPath,
    entries,
    dirty,
    totalBytes: entries.reduce((sum, e) => sum + e.size, 0),
    contentHash: hash,
    id,
    ...(prepared ? { prepared } : {}),
    firstCommit: prepared
      ? {
          sha: prepared.record.commit,
          time: Date.parse(prepared.record.commitTime) / 1000,
        }
      : commit,
    format,
    archiveName: archiveFileName(id, format),
    outDir: join(outRoot, id),
    warnings,
  };
}

/**
 * The index's list (repo/index-status.ts: a superset of git's) when it covers nothing the spec
 * does, so the bundle's dirty list is empty either way; else `git status` decides.
 */
function statusFromIndexOrGit(
  git: CommandContext['git'],
  root: string,
  gitDir: string | undefined,
  headTree: string,
  gitStatus: () => Promise<DirtyPath[]>,
  { spec, specPath }: { spec: BundleSpec; specPath: string },
): Promise<DirtyPath[]> {
  const listed = gitDir ? git.statusFromIndex?.(root, gitDir, headTree) : undefined;
  return listed && !dirtyMatches(spec, listed, specPath).length
    ? Promise.resolve(listed)
    : gitStatus();
}

function dirtyWarnings(dirty: readonly DirtyPath[], commit: Commit, allowDirty: boolean): string[] {
  if (dirty.length && !allowDirty) {
    throw new AirgapError(`${dirty.length} file(s) the bundle covers differ from the HEAD commit`, {
      details: dirty.map(
        (d) =>
          `${d.status.trim() === '??' ? 'untracked' : d.status.includes('M') ? 'modified' : 'changed'}: ${d.path}`,
      ),
      hint: 'commit them (git add … && git commit), or pass --allow-dirty to pack HEAD as committed',
      code: 'dirtyTree',
    });
  }
  return dirty.length
    ? [
        `--allow-dirty: ${dirty.length} changed file(s) ignored; packed ${commit.sha.slice(0, 7)} as committed`,
      ]
    : [];
}

async function readPreparedRecord(
  root: string,
  id: string,
  hash: string,
  vouched: RecordVouch | undefined,
): Promise<{ record: BundleRecord; json: string } | undefined> {
  const path = recordPath(id);
  const json = await readTextIfExists(join(root, path));
  if (json === undefined) return undefined;
  // A record found again (not a first bundle): its parse keeps zod's, unless a stamp of this
  // build says these bytes passed it (as the unchanged rerun trusts it). A 9 MB record: zod's
  // module, the files checked by hand and the rest through zod, ~90 ms, against JSON.parse's
  // ~20 and a sha256 (~5).
  const record = recordVouched(vouched, json)
    ? parseVouchedRecord(json)
    : (await import('../../model/record.js')).parseRecord(json, path);
  if (record.contentHash !== hash) {
    throw new AirgapError(`${path} records other content under the same id ${id}`, {
      hint: `move ${path} aside if it is stale; otherwise rename the spec (two contents share a 7-digit hash)`,
      code: 'invalidSpec',
    });
  }
  return { record, json };
}
