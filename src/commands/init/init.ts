import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DOCUMENTS } from '../../docs/documents.js';
import type { ManagedDocument } from '../../docs/managed-document.js';
import { writeFileAtomically } from '../../util/atomic.js';
import { readTextIfExists } from '../../util/fs.js';
import { type CommandContext, contextOf } from '../context.js';

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
# namespace: argocd              # for objects the manifests leave without a namespace (an
#                                # install applied with kubectl apply -n); created if needed
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
#                                # images the manifests pull from another registry (quay.io/...)
#                                # are warned about; add mirrors: [quay.io] to the ecr map if
#                                # the nodes pull through a mirror or pull-through cache
`;

export interface InitResult {
  root: string;
  created: string[];
  updated: string[];
  /** The specs under bundles/ other than the example (file names without .yaml), sorted. */
  specs: string[];
}

/** Sets up an ops repo for airgap; running it again changes nothing. */
export async function init(options: {
  dir?: string;
  /** Clock, working directory, stdin, git and document fs (CommandContext); real if left out. */
  context?: Partial<CommandContext>;
}): Promise<InitResult> {
  const { cwd, git } = contextOf(options.context);
  const root = await git.repoRoot(options.dir ? resolve(cwd, options.dir) : cwd);
  const created: string[] = [];
  const updated: string[] = [];
  const write = async (rel: string, before: string | undefined, after: string) => {
    if (before === after) return;
    await writeFileAtomically(join(root, rel), after);
    (before === undefined ? created : updated).push(rel);
  };

  const example = 'bundles/example.yaml';
  if (!existsSync(join(root, example))) await write(example, undefined, EXAMPLE_SPEC);
  for (const dir of ['bundles/records', DOCUMENTS.runbook.file]) {
    if (!existsSync(join(root, dir))) {
      await mkdir(join(root, dir), { recursive: true });
      await write(`${dir}/.gitkeep`, undefined, '');
    }
  }

  const found = await specsUnder(join(root, 'bundles'));
  const context = { environments: found.environments };
  const documents: readonly ManagedDocument[] = Object.values(DOCUMENTS);
  for (const doc of documents) {
    if (!doc.init) continue;
    const before = await readTextIfExists(join(root, doc.file));
    const after = doc.init(before, context);
    // Nothing to add to a document that does not exist (env-details without environments).
    if (before !== undefined || after !== '') await write(doc.file, before, after);
  }

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
  return { root, created, updated, specs: found.specs };
}

/**
 * The specs under bundles/ and the environments they name, read line by line: a spec that does not
 * parse yet must not stop init, which only needs the name.
 */
async function specsUnder(dir: string): Promise<{ environments: string[]; specs: string[] }> {
  if (!existsSync(dir)) return { environments: [], specs: [] };
  const found = new Set<string>();
  const specs: string[] = [];
  for (const name of await readdir(dir)) {
    if (!/\.ya?ml$/.test(name)) continue;
    if (name !== 'example.yaml') specs.push(name.replace(/\.ya?ml$/, ''));
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    const env = /^environment:\s*([a-z0-9][a-z0-9-]*)\s*(?:#.*)?$/m.exec(text)?.[1];
    if (env) found.add(env);
  }
  return { environments: [...found].sort(), specs: specs.sort() };
}
