import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EcrImageRecord } from '../../docs/ecr-manifest.js';
import { PENDING_CHANGES_FILE, readPendingEntries } from '../../docs/pending-changes.js';
import { AirgapError } from '../../errors.js';
import { type CleanResult, cleanTranscript } from '../../ingest/clean/clean.js';
import type { OutcomeCounts } from '../../ingest/outcome/outcome.js';
import { helperBlockLines } from '../../ingest/parse/helper-echo.js';
import {
  helperBlocksText,
  type TroubleAdvice,
  troubleAdvice,
  troubleWithoutMarkers,
} from '../../ingest/parse/paste-trouble.js';
import { HelperEcho } from '../../ingest/parse/spool.js';
import { FileChunks } from '../../ingest/read/file-chunks.js';
import { openRecording, type RecordingFormat } from '../../ingest/read/recording.js';
import { iso } from '../../ingest/runbook/runbook.js';
import { type RunbookWrite, runbookPath, runbookWrite } from '../../ingest/runbook/runbook-file.js';
import {
  type BundleTranscripts,
  gatherTranscripts,
  keptGzPath,
  MAX_REPO_FILE_BYTES,
} from '../../ingest/runbook/transcripts.js';
import { externalImagesOf } from '../../model/external-images.js';
import type { BundleStatus } from '../../model/lifecycle.js';
import { type FailedPush, pushCutShort } from '../../model/pushes.js';
import { type BundleRecord, recordPath } from '../../model/record.js';
import { parseRecordLazily } from '../../model/record-check.js';
import { openRunDir } from '../../repo/airgap-dir.js';
import { asWriteFailure, docsLockPath, writeRepoDocuments } from '../../repo/documents.js';
import { acquireLock } from '../../repo/lock.js';
import { readTextOrEmpty } from '../../util/fs.js';
import type { GzipFile } from '../../util/gzip-file.js';
import { onInterrupt } from '../../util/process.js';
import type { DocumentWrite } from '../../util/transaction.js';
import { type CommandContext, contextOf } from '../context.js';
import {
  chooseBundle,
  imagesStillMissing,
  livingDocumentWrites,
  previewDiff,
} from './documents.js';
import {
  archiveNotInS3,
  decideOutcome,
  type FailedUnit,
  failedUnits,
  firstDayOf,
  sumByRule,
  unitCounts,
} from './outcome.js';

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

/**
 * read → clean → parse → merge → render → write. Every document is computed before the
 * write phase, which is the only one that touches the repo.
 */
export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const context = contextOf(options.context);
  const { cwd } = context;
  const root = await context.git.repoRoot(options.repo ? resolve(cwd, options.repo) : cwd);
  const source =
    options.input?.name ?? (options.transcript === '-' ? 'standard input' : options.transcript);
  const input = openTranscript(options, context);
  const gitDir = await context.git.gitDirOf(root);
  const lockPath = docsLockPath(gitDir);
  let release: () => void;
  try {
    release = acquireLock(lockPath, context.now());
  } catch (error) {
    throw asWriteFailure(error);
  }
  // Temp files live under .git/airgap/tmp/; Ctrl-C removes them, the next run sweeps a kill -9.
  // The handler comes first: a Ctrl-C while the directory is made still exits 130, unlocked.
  let run: Awaited<ReturnType<typeof openRunDir>> | undefined;
  const disposeInterrupt = onInterrupt(() => {
    run?.remove();
    release();
  });
  run = await openRunDir(gitDir).catch((error: unknown) => {
    disposeInterrupt();
    release();
    throw asWriteFailure(error);
  });
  const work = run.path;
  let compressing: Promise<void> | undefined;
  let begunGzip: GzipFile | undefined;
  let runbookPending: Promise<RunbookWrite | undefined> | undefined;
  try {
    const redact = options.redact ?? true;
    const stream = input();
    const recording = await openRecording(stream, source);
    const limit = options.maxFileBytes ?? MAX_REPO_FILE_BYTES;
    const cleaned = await cleanTranscript(
      recording.bytes,
      join(work, 'new-transcript.log'),
      redact,
      {
        gzipOver: {
          bytes: limit,
          path: keptGzPath(work),
          likely:
            recording.format === 'terminal' &&
            stream instanceof FileChunks &&
            statSync(stream.path).size > limit,
        },
        // Only a file's own chunks are taken back, and only those the clean pass saw as read.
        recycle: stream instanceof FileChunks ? (chunk) => stream.recycle(chunk) : undefined,
      },
    );
    begunGzip = cleaned.gzipped;
    const bundleId = chooseBundle(
      cleaned.bundleIds,
      options.bundle,
      source,
      cleaned.bundleIds.length ? undefined : await adviceWithoutMarkers(root, cleaned.path),
    );
    const record = await loadRecord(root, bundleId);
    // The record's plan says which blocks carry the helpers: their echo is not output.
    const echo = new HelperEcho(helperBlockLines(record));
    const commands = new Map(
      record.units.flatMap((u) => (u.command ? [[`${u.kind}:${u.n}`, u.command] as const] : [])),
    );
    const transcripts = await gatherTranscripts(
      root,
      bundleId,
      cleaned,
      work,
      echo,
      commands,
      options.maxFileBytes,
    );
    compressing = transcripts.compressed;
    const attempts = transcripts.spooled.flatMap((t) => t.attempts);
    const pending = readPendingEntries(
      await readTextOrEmpty(join(root, PENDING_CHANGES_FILE)),
    ).find((e) => e.bundleId === bundleId);
    const decided = decideOutcome(record, attempts, transcripts, pending?.rollbackFrom);
    const { results, counts, warnings: runbookWarnings, helpersNotLoaded } = decided;
    // Nothing ran (every unit refused for want of helpers): the bundle stays where it was, not
    // partial, and its row says which blocks load the helpers (notes/s8/note-n8b.md 3).
    const kept = pending?.status === 'failed' || pending?.status === 'partial';
    const status = helpersNotLoaded ? (kept ? pending.status : 'prepared') : decided.status;
    const ecr = await imagesStillMissing(root, record, results);
    runbookWarnings.missingImages = ecr.missing;
    runbookWarnings.externalImages = externalImagesOf(record);
    const failed = ecr.failedPushes;
    runbookWarnings.failedPushes = failed;
    runbookWarnings.notInS3 = archiveNotInS3(record, results);
    const pushed = results.filter((r) => r.kind === 'image' && r.status === 'ok').length;
    const firstDay = firstDayOf(attempts, context.now());
    const runbookRel = runbookPath(root, bundleId, firstDay);
    // Rendered now (synchronously); over the gzip limit its digest comes from the gzip thread,
    // which lags the render: the living documents are read and built while it finishes.
    runbookPending = runbookWrite(
      root,
      runbookRel,
      {
        record,
        results,
        transcripts: transcripts.spooled,
        transcriptPaths: transcripts.paths,
        status,
        counts,
        warnings: runbookWarnings,
        redacted: redact,
      },
      work,
      begunGzip,
    );
    // Awaited below; until then a failure must not count as unhandled.
    runbookPending.catch(() => undefined);
    // A rollback runs after the second it was prepared again (its row's date): older runs are
    // its first deployment, which must not mark the rollback done.
    const rollbackPending =
      pending?.status === 'prepared' &&
      pending.rollbackFrom !== undefined &&
      !runbookWarnings.runs.some((r) => iso(r.start) >= pending.date);
    const docs = await livingDocumentWrites(root, {
      record,
      status: rollbackPending ? undefined : status,
      results,
      firstDay,
      runbookRel,
      missingImages: runbookWarnings.missingImages,
      failedPushes: failed,
      archiveNotInS3: runbookWarnings.notInS3 !== undefined,
      ...(helpersNotLoaded && status === 'prepared'
        ? { helpersNotLoaded: helperBlocksText(record, '') }
        : {}),
    });
    const runbook = await runbookPending;
    const writes: DocumentWrite[] = [
      ...(runbook ? [{ rel: runbook.rel, fromFile: runbook.fromFile }] : []),
      ...keptTranscriptWrite(transcripts, cleaned),
      ...docs.writes,
    ];
    const result: IngestResult = {
      bundleId,
      status,
      runbook: runbookRel,
      transcript: `${transcripts.dir}/${transcripts.name}`,
      duplicate: transcripts.duplicate,
      format: recording.format,
      changed: writes.map((w) => w.rel),
      units: unitCounts(counts),
      counts,
      failedUnits: failedUnits(record, results),
      runs: runbookWarnings.runs.length,
      ...(runbookWarnings.disagreement ? { disagreement: runbookWarnings.disagreement } : {}),
      masked: transcripts.spooled.reduce((sum, t) => sum + t.masked, 0),
      maskedByRule: sumByRule(transcripts.spooled.map((t) => t.maskedByRule)),
      images: docs.images,
      ...(pushed || failed.length ? { pushes: { ok: pushed, failed } } : {}),
      warnings: [
        ...failed.map((f) => {
          // The output stops inside the push: it may have finished after the copy was taken.
          const what = pushCutShort(f)
            ? `CloudShell push of ${f.image} not recorded (the output stops inside the push)`
            : `CloudShell push of ${f.image} failed (${f.why})`;
          return f.inEcr
            ? `${what}; docs/ecr-manifest.md still records it in ECR (pushed before)`
            : `${what}: ${pushCutShort(f) ? 'may not be' : 'it is not'} in ECR; paste the image block of PASTE.md again`;
        }),
        ...(redact
          ? []
          : ['--no-redact: secrets in the transcript are written to the repo as they are']),
        ...(runbookWarnings.disagreement
          ? [`the bastion's summary disagrees: ${runbookWarnings.disagreement}`]
          : []),
        ...(runbookWarnings.notInS3 ? [runbookWarnings.notInS3] : []),
        ...(runbookWarnings.pasteTrouble ?? []),
        ...(runbook?.keptLines
          ? [
              `${runbookRel}: its airgap block was edited by hand; ${runbook.keptLines} line(s) of it that this ingest does not write are kept below the block, under "Kept from a hand edit"`,
            ]
          : []),
        ...(rollbackPending
          ? [`no run since the rollback was prepared on ${pending?.date}: it stays prepared`]
          : []),
        ...docs.warnings,
      ],
    };
    await compressing;
    if (options.dryRun) {
      result.diff = await previewDiff(context.git, root, work, writes);
      return result;
    }
    await writeRepoDocuments(root, writes, join(work, 'staged'), context.documentFs);
    return result;
  } catch (error) {
    throw asWriteFailure(error);
  } finally {
    // The gzip thread writes into the run directory: it ends before the directory goes.
    await compressing?.catch(() => undefined);
    // Its file is in the run directory too (closed by runbookWrite once its digest is in).
    await runbookPending?.catch(() => undefined);
    // Begun while cleaning, and not awaited when a later step failed.
    await begunGzip?.cancel();
    disposeInterrupt();
    run.remove();
    release();
  }
}

/** The read phase: checked before the lock is taken, opened when the clean phase asks. */
function openTranscript(
  options: IngestOptions,
  context: CommandContext,
): () => AsyncIterable<Buffer> {
  const input = options.input;
  if (input) return () => input.bytes;
  if (options.transcript === '-') return context.stdin;
  const path = resolve(context.cwd, options.transcript);
  if (!existsSync(path)) {
    throw new AirgapError(`transcript not found: ${options.transcript}`, {
      hint: 'save the pasted terminal output to a file, or pipe it in with -',
      code: 'usage',
    });
  }
  // A folder was "this is a bug in airgap: EISDIR" (exit 70).
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => /\.(txt|log)$/.test(f))
      .sort();
    throw new AirgapError(`${options.transcript} is a directory: pass the transcript file`, {
      hint: files.length
        ? `files in it: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}`
        : 'save the pasted terminal output to a file, or pipe it in with -',
      code: 'usage',
    });
  }
  // 2 MiB reads: the clean pass turns a chunk into one string when it is not ASCII (or once a
  // known value is searched for in it; ASCII chunks are read as bytes, see AsciiText), and V8
  // makes a string over 1 MB an external one (one copy) but a smaller one a heap string: 200 MB
  // as 256 KiB strings cost 0.5-0.9 s CPU, as 2 MiB strings 0.03-0.05 s. Read into reused
  // buffers (see FileChunks).
  return () => new FileChunks(path, 1 << 21);
}

/**
 * Why a transcript holds no markers, when the shell said so (paste-trouble.ts): the advice for
 * the error's hint, naming the helper blocks of the bundle its unit calls name when the repo
 * knows it.
 */
async function adviceWithoutMarkers(
  root: string,
  path: string,
): Promise<TroubleAdvice[] | undefined> {
  const { trouble, bundleId } = await troubleWithoutMarkers(path);
  if (!trouble.size) return undefined;
  const known = bundleId !== undefined && existsSync(join(root, recordPath(bundleId)));
  const record = known ? await loadRecord(root, bundleId).catch(() => undefined) : undefined;
  return [...trouble].sort().map((t) => troubleAdvice(t, record));
}

async function loadRecord(root: string, bundleId: string): Promise<BundleRecord> {
  const recordFile = join(root, recordPath(bundleId));
  if (!existsSync(recordFile)) {
    throw new AirgapError(
      `the repo does not know bundle ${bundleId} (no ${recordPath(bundleId)})`,
      {
        hint: 'ingest in the ops repo that built it, after committing bundles/records/ from `airgap bundle`',
        code: 'unknownBundle',
      },
    );
  }
  // What the zod-free check accepts is what the schema gives (record-check.ts): a 1,000-step
  // record's zod parse was ~25-40 ms of this thread. Anything else gets parseRecord's message.
  return parseRecordLazily(await readFile(recordFile, 'utf8'), recordFile);
}

function keptTranscriptWrite(
  transcripts: BundleTranscripts,
  cleaned: CleanResult,
): DocumentWrite[] {
  return transcripts.duplicate
    ? []
    : [
        {
          rel: `${transcripts.dir}/${transcripts.name}`,
          fromFile: transcripts.keptFile ?? cleaned.path,
        },
      ];
}
