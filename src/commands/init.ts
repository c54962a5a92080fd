import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ECR_MANIFEST_FILE, upsertEcrImages } from '../docs/ecr-manifest.js';
import { addEnvironmentBlocks, ENV_DETAILS_FILE } from '../docs/env-details.js';
import {
  CURRENT_STATE_FILE,
  emptyDeploymentsBlock,
  emptyTrackerBlock,
  TRACKER_FILE,
} from '../docs/handoff.js';
import { findManagedBlock } from '../docs/managed-block.js';
import { upsertTableRows } from '../docs/managed-table.js';
import { PENDING_CHANGES_FILE } from '../docs/pending-changes.js';
import { repoRoot } from '../repo/git.js';
import { writeFileAtomically } from '../util/atomic.js';
import { readTextIfExists } from '../util/fs.js';

export const EXAMPLE_SPEC = `# An airgap bundle spec (reference: the airgap README, "Bundle spec reference").
# Copy this file to bundles/<name>.yaml, edit it, commit it, then run: airgap bundle <name>
name: example
environment: dev
description: Say in one line what this bundle changes
files:
  - k8s/dev/**/*.yaml            # globs over committed files
s3:
  bucket: my-airgap-bucket
  prefix: bundles/dev
  region: us-east-1
  # endpoint: https://bucket.vpce-xxxx.s3.us-east-1.vpce.amazonaws.com
# steps:                         # default: server-side dry run, then apply, of every manifest
#   - name: Apply the topic
#     run: kubectl apply -f k8s/dev/topics/kafka-topic-example.yaml
verify:
  - kubectl get kafkatopic -n kafka
# observe:                       # read-only, after the summary; output kept in docs/env-details.md
#   - name: Kafka brokers
#     run: kubectl get kafka -n kafka -o wide
# images: []                     # images needed beyond those found in the manifests
# ecr: { registry: 111122223333.dkr.ecr.us-east-1.amazonaws.com, region: us-east-1 }
`;

export interface InitResult {
  root: string;
  created: string[];
  updated: string[];
}

/** Sets up an ops repo for airgap; running it again changes nothing. */
export async function init(options: { dir?: string; cwd?: string }): Promise<InitResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = await repoRoot(options.dir ? resolve(cwd, options.dir) : cwd);
  const created: string[] = [];
  const updated: string[] = [];
  const write = async (rel: string, before: string | undefined, after: string) => {
    if (before === after) return;
    await writeFileAtomically(join(root, rel), after);
    (before === undefined ? created : updated).push(rel);
  };

  const example = 'bundles/example.yaml';
  if (!existsSync(join(root, example))) await write(example, undefined, EXAMPLE_SPEC);
  for (const dir of ['bundles/records', 'docs/RUNBOOKS']) {
    if (!existsSync(join(root, dir))) {
      await mkdir(join(root, dir), { recursive: true });
      await write(`${dir}/.gitkeep`, undefined, '');
    }
  }

  const pending = await readTextIfExists(join(root, PENDING_CHANGES_FILE));
  if (!pending || !findManagedBlock(pending, 'bundles')) {
    const base = pending ?? '# Pending changes\n\nChanges prepared but not yet deployed.\n';
    const table = upsertTableRows(base, {
      block: 'bundles',
      file: PENDING_CHANGES_FILE,
      intro: ['Bundles prepared with `airgap bundle` and their deployment status.', ''],
      header: ['Bundle', 'Environment', 'Status', 'Commit', 'Date', 'Files', 'Images', 'Record'],
      keyColumns: [0],
      rows: [],
    });
    await write(PENDING_CHANGES_FILE, pending, table.text);
  }
  const manifest = await readTextIfExists(join(root, ECR_MANIFEST_FILE));
  if (!manifest || !findManagedBlock(manifest, 'ecr-images')) {
    const base =
      manifest ?? '# ECR manifest\n\nWhat is in ECR, per environment. Check before deploying.\n';
    await write(ECR_MANIFEST_FILE, manifest, upsertEcrImages(base, []).text);
  }
  const tracker = await readTextIfExists(join(root, TRACKER_FILE));
  if (!tracker || !findManagedBlock(tracker, 'deployments'))
    await write(TRACKER_FILE, tracker, emptyTrackerBlock(tracker ?? '# Tracker\n'));
  const state = await readTextIfExists(join(root, CURRENT_STATE_FILE));
  if (!state || !findManagedBlock(state, 'deployments'))
    await write(CURRENT_STATE_FILE, state, emptyDeploymentsBlock(state ?? '# Current state\n'));

  const details = await readTextIfExists(join(root, ENV_DETAILS_FILE));
  const withBlocks = addEnvironmentBlocks(details, await specEnvironments(join(root, 'bundles')));
  if (withBlocks !== '') await write(ENV_DETAILS_FILE, details, withBlocks);

  const ignore = await readTextIfExists(join(root, '.gitignore'));
  if (!ignore?.split(/\r?\n/).some((l) => l.trim() === '.airgap/out/' || l.trim() === '.airgap/')) {
    const eol = ignore?.includes('\r\n') ? '\r\n' : '\n';
    const prefix =
      ignore === undefined || ignore === ''
        ? ''
        : ignore.endsWith('\n')
          ? ignore
          : `${ignore}${eol}`;
    await write(
      '.gitignore',
      ignore,
      `${prefix}# airgap bundle output (archives and paste sheets)${eol}.airgap/out/${eol}`,
    );
  }
  return { root, created, updated };
}

/**
 * The environments the specs under bundles/ name, read line by line: a spec that does not
 * parse yet must not stop init, which only needs the name.
 */
async function specEnvironments(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const found = new Set<string>();
  for (const name of await readdir(dir)) {
    if (!/\.ya?ml$/.test(name)) continue;
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    const env = /^environment:\s*([a-z0-9][a-z0-9-]*)\s*(?:#.*)?$/m.exec(text)?.[1];
    if (env) found.add(env);
  }
  return [...found].sort();
}
