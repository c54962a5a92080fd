import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { makeMatcher } from '../../bundle/plan.js';
import { ECR_MANIFEST_FILE, missingImages } from '../../docs/ecr-manifest.js';
import { ENV_DETAILS_FILE, lastObserved } from '../../docs/env-details.js';
import {
  PENDING_CHANGES_FILE,
  type PendingEntry,
  readPendingEntries,
} from '../../docs/pending-changes.js';
import { AirgapError, fromSystemError } from '../../errors.js';
import type { ExternalImage } from '../../model/external-images.js';
import type { BundleStatus } from '../../model/lifecycle.js';
import { type BundleRecord, parseRecord, RECORDS_DIR } from '../../model/record.js';
import type { Git } from '../../repo/git-access.js';
import { readTextOrEmpty } from '../../util/fs.js';
import { type CommandContext, contextOf } from '../context.js';
import { checkEnvironment } from './environments.js';
import { externalImagesAtHead } from './external.js';
import {
  currentDeployments,
  findSuperseded,
  groupMissingImages,
  type SupersededEntry,
  specNameOf,
} from './supersede.js';

export interface EnvironmentStatus {
  environment: string;
  prepared: PendingEntry[];
  /**
   * `current`: what runs there now, the last deployed of its spec in PENDING-CHANGES.md's
   * order (a rollback moves last), the one CURRENT-STATE.md does not call replaced.
   */
  deployed: Array<PendingEntry & { spec: string; current: boolean }>;
  failed: PendingEntry[];
  partial: PendingEntry[];
  /** Failed, partial or prepared bundles a later deployment of the same spec replaced. */
  superseded: SupersededEntry[];
  /** Retired with `airgap discard`. */
  discarded: PendingEntry[];
  /**
   * Images that bundles still in play (prepared, failed, partial, or the current deployment of
   * each spec) need and docs/ecr-manifest.md does not show for the environment; each image once.
   */
  missingImages: Array<{ image: string; bundleIds: string[] }>;
  /**
   * Images those bundles' manifests pull from outside the spec's ECR registry and its mirrors,
   * the mirrors of the spec committed at HEAD (external.ts), with the ECR reference to write instead; each image once.
   */
  externalImages: Array<{
    image: string;
    ecrReference: string;
    bundleIds: string[];
    /**
     * Also in missingImages, for no bundle this entry does not name: the human output and
     * `attention` say it once, here; missingImages keeps it for --json.
     */
    notInEcr: boolean;
  }>;
  /** Per spec name: committed files changed since its last deployed bundle. */
  drift: Array<{ spec: string; since: string; files: string[] }>;
  /** The newest `observe:` output in docs/env-details.md: when it ran, from which bundle. */
  observed?: { at: string; bundle: string };
}

/** A record under bundles/records/ that status could not read: damaged, or another version. */
export interface UnreadableRecord {
  /** Repo-relative path. */
  file: string;
  /** What is wrong with it, naming the file (the message `airgap ingest` would fail with). */
  problem: string;
  hint: string | undefined;
}

export interface StatusResult {
  environments: EnvironmentStatus[];
  /** Records status could not read; each is also an item of `attention`. */
  unreadableRecords: UnreadableRecord[];
  attention: string[];
  /** Every environment with a bundle in PENDING-CHANGES.md, whatever `env` chose (sorted). */
  knownEnvironments: string[];
}

/**
 * Every record under bundles/records/. One that cannot be read (a bad merge, a record of
 * another airgap version) is reported, not fatal: status is how one finds out what is wrong.
 */
async function readRecords(
  root: string,
): Promise<{ records: Map<string, BundleRecord>; unreadable: UnreadableRecord[] }> {
  const records = new Map<string, BundleRecord>();
  const unreadable: UnreadableRecord[] = [];
  const dir = join(root, RECORDS_DIR);
  if (!existsSync(dir)) return { records, unreadable };
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const rel = `${RECORDS_DIR}/${file}`;
    try {
      const record = parseRecord(await readFile(join(dir, file), 'utf8'), rel);
      records.set(record.id, record);
    } catch (thrown) {
      const error = thrown instanceof AirgapError ? thrown : fromSystemError(thrown);
      if (!error) throw thrown;
      const details = error.details.length ? ` (${error.details.join('; ')})` : '';
      unreadable.push({ file: rel, problem: `${error.message}${details}`, hint: error.hint });
    }
  }
  return { records, unreadable };
}

/**
 * Committed files of the current deployment of each spec that changed since it shipped. The
 * current one is the last deployed in PENDING-CHANGES.md's order, not the newest commit: a
 * rollback re-deploys an older commit's content.
 */
async function findDrift(
  git: Git,
  root: string,
  current: readonly BundleRecord[],
): Promise<EnvironmentStatus['drift']> {
  const drift: EnvironmentStatus['drift'] = [];
  for (const record of [...current].sort((a, b) => a.name.localeCompare(b.name))) {
    const diff = await git.run(root, ['diff', '--name-only', '-z', record.commit, 'HEAD']);
    if (diff.code !== 0) continue;
    const include = makeMatcher(record.spec.files);
    const exclude = makeMatcher(record.spec.exclude ?? []);
    const files = diff.stdout
      .toString('utf8')
      .split('\0')
      .filter((f) => f && include(f) && !exclude(f));
    if (files.length) drift.push({ spec: record.name, since: record.id, files });
  }
  return drift;
}

/** What is prepared, deployed or failed, per environment, from the repo alone (no network). */
export async function status(options: {
  repo?: string;
  env?: string;
  /** Clock, working directory, stdin, git and document fs (CommandContext); real if left out. */
  context?: Partial<CommandContext>;
}): Promise<StatusResult> {
  const { cwd, git } = contextOf(options.context);
  const root = await git.repoRoot(options.repo ? resolve(cwd, options.repo) : cwd);
  const entries = readPendingEntries(await readTextOrEmpty(join(root, PENDING_CHANGES_FILE)));
  const manifest = await readTextOrEmpty(join(root, ECR_MANIFEST_FILE));
  const { records, unreadable } = await readRecords(root);
  const details = await readTextOrEmpty(join(root, ENV_DETAILS_FILE));
  const knownEnvironments = [...new Set(entries.map((e) => e.environment))].sort();
  await checkEnvironment(root, options.env, [
    ...knownEnvironments,
    ...[...records.values()].map((r) => r.spec.environment),
  ]);
  const environments = knownEnvironments.filter((e) => !options.env || e === options.env);
  const specOf = (id: string) => specNameOf(id, records.get(id)?.name);
  const attention: string[] = unreadable.map((r) => r.problem);
  const result: EnvironmentStatus[] = [];
  const mirrorsBySpec = new Map<string, Promise<readonly string[]>>();
  for (const environment of environments) {
    const mine = entries.filter((e) => e.environment === environment);
    const superseded = findSuperseded(mine, specOf);
    const retired = new Set(superseded.map((e) => e.bundleId));
    const by = (s: BundleStatus) => mine.filter((e) => e.status === s && !retired.has(e.bundleId));
    const current = currentDeployments(mine, specOf);
    const env: EnvironmentStatus = {
      environment,
      prepared: by('prepared'),
      deployed: by('deployed').map((e) => ({
        ...e,
        spec: specOf(e.bundleId),
        current: current.includes(e),
      })),
      failed: by('failed'),
      partial: by('partial'),
      superseded,
      discarded: by('discarded'),
      missingImages: [],
      externalImages: [],
      drift: [],
    };
    const observed = lastObserved(details, environment);
    if (observed) env.observed = observed;
    const inPlay = [...env.prepared, ...env.failed, ...env.partial, ...current];
    env.missingImages = groupMissingImages(
      inPlay.flatMap((entry) => {
        const record = records.get(entry.bundleId);
        return (record ? missingImages(record.images, manifest, environment) : []).map((image) => ({
          bundleId: entry.bundleId,
          image,
        }));
      }),
    );
    const external: Array<ExternalImage & { bundleId: string }> = [];
    for (const entry of inPlay) {
      const record = records.get(entry.bundleId);
      if (!record) continue;
      for (const e of await externalImagesAtHead(git, root, record, mirrorsBySpec))
        external.push({ ...e, bundleId: entry.bundleId });
    }
    env.externalImages = groupMissingImages(external).map((g) => {
      const missing = env.missingImages.find((m) => m.image === g.image);
      return {
        image: g.image,
        ecrReference: external.find((e) => e.image === g.image)?.ecrReference ?? '',
        bundleIds: g.bundleIds,
        // Its missingImages entry says no more than this one: shown once, as this one.
        notInEcr: missing?.bundleIds.every((id) => g.bundleIds.includes(id)) ?? false,
      };
    });
    const covered = new Set(env.externalImages.filter((e) => e.notInEcr).map((e) => e.image));
    env.drift = await findDrift(
      git,
      root,
      current.flatMap((e) => records.get(e.bundleId) ?? []),
    );
    for (const e of env.prepared)
      attention.push(`${environment}: ${e.bundleId} is prepared but not deployed`);
    for (const e of [...env.failed, ...env.partial])
      attention.push(`${environment}: ${e.bundleId} is ${e.status}`);
    for (const m of env.missingImages.filter((m) => !covered.has(m.image)))
      attention.push(
        `${environment}: ${m.image} (for ${m.bundleIds.join(', ')}) is not recorded in ECR`,
      );
    for (const e of env.externalImages)
      attention.push(
        `${environment}: ${e.image} (for ${e.bundleIds.join(', ')}) is pulled from outside the air gap${e.notInEcr ? ' and not recorded in ECR' : ''}: write ${e.ecrReference} in the manifests${e.notInEcr ? ' and push it (the CloudShell image block)' : ''}, or list its registry in ecr.mirrors`,
      );
    for (const d of env.drift)
      attention.push(
        `${environment}: ${d.files.length} file(s) of ${d.spec} changed since ${d.since} was deployed`,
      );
    result.push(env);
  }
  return { environments: result, unreadableRecords: unreadable, attention, knownEnvironments };
}
