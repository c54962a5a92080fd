import type { EcrImageRecord } from '../../docs/ecr-manifest.js';
import type { OutcomeCounts } from '../../ingest/outcome/outcome.js';
import type { RecordingFormat } from '../../ingest/read/recording.js';
import type { BundleStatus } from '../../model/lifecycle.js';
import type { FailedPush } from '../../model/pushes.js';
import type { CommandContext } from '../context.js';
import type { FailedUnit } from './outcome.js';

// The options and result of `ingest`, apart from ingest.ts: inputs.ts reads the options, and
// importing them from ingest.ts (which imports inputs.ts) would make a file cycle.

export interface IngestOptions {
  transcript: string;
  repo?: string;
  bundle?: string;
  dryRun?: boolean;
  redact?: boolean;
  /** Bytes from elsewhere (a session log in S3), named for messages; `transcript` is then only its name. */
  input?: { name: string; bytes: AsyncIterable<Buffer> };
  /** Clock, working directory, stdin, git and document fs (CommandContext); real if left out. */
  context?: Partial<CommandContext>;
  /** Kept transcripts larger than this are gzipped (default: 50 MB; tests make it small). */
  maxFileBytes?: number;
}

export interface IngestResult {
  bundleId: string;
  status: BundleStatus | undefined;
  runbook: string;
  transcript: string;
  duplicate: boolean;
  /** What the input was: a terminal copy or log, an asciinema cast, a script(1) typescript. */
  format: RecordingFormat;
  changed: string[];
  /** Bastion units that decide the outcome, by status: the same count as the summary's. */
  units: Record<string, number>;
  counts: OutcomeCounts;
  /** The bastion units that failed (counts.failed of them): number, name, exit code, block. */
  failedUnits: FailedUnit[];
  /** How many times the bundle ran (a download starts a run). */
  runs: number;
  /** The bastion's summary and the markers disagree (also in warnings and the runbook). */
  disagreement?: string;
  masked: number;
  /** Masked values per rule id (the `«masked:<rule-id>»` markers), over every kept transcript. */
  maskedByRule: Record<string, number>;
  images: EcrImageRecord[];
  /** CloudShell image pushes that ran: how many ended with exit code 0, and those that did not. */
  pushes?: { ok: number; failed: FailedPush[] };
  warnings: string[];
  diff?: string;
}
