import { ECR_MANIFEST } from './ecr-manifest.js';
import { ENV_DETAILS } from './env-details.js';
import { CURRENT_STATE, TRACKER } from './handoff.js';
import type { ManagedDocument } from './managed-document.js';
import { PENDING_CHANGES } from './pending-changes.js';
import { RUNBOOK } from './runbook-document.js';

/**
 * Every living document airgap writes a managed block in. A new document is one entry here
 * (defined beside its reader and writer, typed `ManagedDocument` or built with
 * `tableDocument`, so the compiler names a missing field) and one sample in
 * test/unit/managed-documents.test.ts, whose `Record<DocumentName, …>` fails to compile until
 * it has one. `airgap init` adds the empty block of every entry that has an `init`.
 */
export const DOCUMENTS = {
  pendingChanges: PENDING_CHANGES,
  ecrManifest: ECR_MANIFEST,
  tracker: TRACKER,
  currentState: CURRENT_STATE,
  envDetails: ENV_DETAILS,
  runbook: RUNBOOK,
} as const satisfies Record<string, ManagedDocument>;

export type DocumentName = keyof typeof DOCUMENTS;
