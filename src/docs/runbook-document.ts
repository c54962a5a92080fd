import type { ManagedDocument } from './managed-document.js';

/**
 * A runbook, docs/RUNBOOKS/<first day>-<bundle>.md: ingest writes its block (streamed, see
 * ingest/runbook/runbook-file.ts), init only creates the folder. A new runbook ends with `notes`, the
 * section people write in.
 */
export const RUNBOOK = {
  file: 'docs/RUNBOOKS',
  block: 'runbook',
  init: undefined,
  notes: '## Notes\n\nAdd notes here: airgap only rewrites the block above.\n',
} as const satisfies ManagedDocument & { notes: string };
