import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CURRENT_STATE, upsertDeployments } from '../../docs/handoff.js';
import { findManagedBlock } from '../../docs/managed-block.js';
import {
  PENDING_CHANGES_FILE,
  type PendingEntry,
  readPendingEntries,
  upsertPendingEntry,
} from '../../docs/pending-changes.js';
import { AirgapError } from '../../errors.js';
import { parseRecord, recordPath } from '../../model/record.js';
import { openRunDir } from '../../repo/airgap-dir.js';
import { docsLockPath, writeRepoDocuments } from '../../repo/documents.js';
import { acquireLock } from '../../repo/lock.js';
import { readTextIfExists, readTextOrEmpty } from '../../util/fs.js';
import type { DocumentWrite } from '../../util/transaction.js';
import { type CommandContext, contextOf } from '../context.js';

export interface DiscardOptions {
  bundleId: string;
  reason: string;
  repo?: string;
  /** Clock, working directory, stdin, git and document fs (CommandContext); real if left out. */
  context?: Partial<CommandContext>;
}

export interface DiscardResult {
  bundleId: string;
  environment: string;
  /** The status before; `discarded` when it already was (nothing changed). */
  previous: PendingEntry['status'] | 'unlisted';
  changed: string[];
  warnings: string[];
}

/**
 * Retires a bundle that will never be deployed: its PENDING-CHANGES.md row says discarded,
 * with the date and the reason, so `status` stops asking for it. Deployed bundles are history
 * and cannot be discarded.
 */
export async function discard(options: DiscardOptions): Promise<DiscardResult> {
  const context = contextOf(options.context);
  const cwd = context.cwd;
  const root = await context.git.repoRoot(options.repo ? resolve(cwd, options.repo) : cwd);
  const reason = options.reason.replace(/\s+/g, ' ').trim();
  if (!reason) {
    throw new AirgapError('discard needs a reason', {
      hint: `say why it will never be deployed: airgap discard ${options.bundleId} --reason "…"`,
      code: 'usage',
    });
  }
  const gitDir = await context.git.gitDirOf(root);
  const release = acquireLock(docsLockPath(gitDir), context.now(), 'command');
  try {
    const pendingText = await readTextOrEmpty(join(root, PENDING_CHANGES_FILE));
    const entry = readPendingEntries(pendingText).find((e) => e.bundleId === options.bundleId);
    const recordJson = await readTextIfExists(join(root, recordPath(options.bundleId)));
    if (!entry && recordJson === undefined) {
      throw new AirgapError(`the repo does not know bundle ${options.bundleId}`, {
        hint: `check the id with airgap status (no row in ${PENDING_CHANGES_FILE}, no ${recordPath(options.bundleId)})`,
        code: 'unknownBundle',
      });
    }
    if (entry?.status === 'deployed') {
      throw new AirgapError(
        `${options.bundleId} is deployed: only undeployed bundles are discarded`,
        {
          hint: 'to undo a deployment, bundle the previous manifests and deploy that',
          code: 'usage',
        },
      );
    }
    const record = recordJson ? parseRecord(recordJson, recordPath(options.bundleId)) : undefined;
    const environment = entry?.environment ?? record?.environment ?? '';
    const result: DiscardResult = {
      bundleId: options.bundleId,
      environment,
      previous: entry?.status ?? 'unlisted',
      changed: [],
      warnings: [],
    };
    if (entry?.status === 'discarded') return result;
    const date = context.now().toISOString().slice(0, 10);
    const update = upsertPendingEntry(pendingText, {
      bundleId: options.bundleId,
      environment,
      status: 'discarded',
      commit: entry?.commit ?? record?.commit ?? '',
      date,
      files: entry?.files ?? record?.files.length ?? 0,
      images: entry?.images ?? record?.images.length ?? 0,
      link: `discarded: ${reason}`,
    });
    result.warnings.push(...update.warnings);
    const writes: DocumentWrite[] = [{ rel: PENDING_CHANGES_FILE, content: update.text }];
    const state = await readTextOrEmpty(join(root, CURRENT_STATE.file));
    if (
      existsSync(join(root, CURRENT_STATE.file)) &&
      findManagedBlock(state, CURRENT_STATE.block)
    ) {
      const after = upsertDeployments(state, readPendingEntries(update.text));
      if (after !== state) writes.push({ rel: CURRENT_STATE.file, content: after });
    }
    const run = await openRunDir(gitDir);
    try {
      await writeRepoDocuments(root, writes, join(run.path, 'staged'), context.documentFs);
    } finally {
      run.remove();
    }
    result.changed = writes.map((w) => w.rel);
    return result;
  } finally {
    release();
  }
}
