import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PENDING_CHANGES_FILE, readPendingEntries } from '../../docs/pending-changes.js';
import { type CleanResult, cleanTranscript } from '../../ingest/clean/clean.js';
import { helperBlockLines } from '../../ingest/parse/helper-echo.js';
import { helperBlocksText } from '../../ingest/parse/paste-trouble.js';
import { HelperEcho } from '../../ingest/parse/spool.js';
import { FileChunks } from '../../ingest/read/file-chunks.js';
import { openRecording } from '../../ingest/read/recording.js';
import { type RunbookWrite, runbookPath, runbookWrite } from '../../ingest/runbook/runbook-file.js';
import {
  type BundleTranscripts,
  gatherTranscripts,
  keptGzPath,
  MAX_REPO_FILE_BYTES,
} from '../../ingest/runbook/transcripts.js';
import { externalImagesOf } from '../../model/external-images.js';
import { notDryRun } from '../../model/plan-notes.js';
import { pushCutShort } from '../../model/pushes.js';
import { openRunDir } from '../../repo/airgap-dir.js';
import { asWriteFailure, docsLockPath, writeRepoDocuments } from '../../repo/documents.js';
import { acquireLock } from '../../repo/lock.js';
import { readTextOrEmpty } from '../../util/fs.js';
import type { GzipFile } from '../../util/gzip-file.js';
import { onInterrupt } from '../../util/process.js';
import type { DocumentWrite } from '../../util/transaction.js';
import { contextOf } from '../context.js';
import { chooseBundle, livingDocumentWrites, previewDiff } from './documents.js';
import { imagesStillMissing } from './ecr-images.js';
import { adviceWithoutMarkers, loadRecord, openTranscript } from './inputs.js';
import {
  archiveNotInS3,
  decideOutcome,
  failedUnits,
  firstDayOf,
  sumByRule,
  unitCounts,
} from './outcome.js';
import type { IngestOptions, IngestResult } from './types.js';

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
    // A rollback still prepared: the second it was prepared again (a row without it, its day).
    const preparedAgain =
      pending?.status === 'prepared' && pending.rollbackFrom !== undefined
        ? (pending.preparedAgainAt ?? pending.date)
        : undefined;
    const decided = decideOutcome(
      record,
      attempts,
      transcripts,
      pending?.rollbackFrom,
      preparedAgain,
    );
    const { results, counts, warnings: runbookWarnings, helpersNotLoaded } = decided;
    // Nothing ran (every unit refused for want of helpers): the bundle stays where it was, not
    // partial, and its row says which blocks load the helpers (notes/s8/note-n8b.md 3).
    const kept = pending?.status === 'failed' || pending?.status === 'partial';
    const status = helpersNotLoaded ? (kept ? pending.status : 'prepared') : decided.status;
    const retryFrom = helpersNotLoaded ? pending?.retryFrom : decided.retryBlock;
    const ecr = await imagesStillMissing(root, record, results);
    runbookWarnings.undoesRollback = pending?.undoesRollback;
    runbookWarnings.missingImages = ecr.missing;
    runbookWarnings.externalImages = externalImagesOf(record);
    runbookWarnings.notDryRun = notDryRun(record.planNotes);
    runbookWarnings.unsetNamespaces = record.unsetNamespaces;
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
    // A rollback runs after the second it was prepared again (its row's preparedAgainAt):
    // older runs are its first deployment, which must not mark the rollback done. When its own
    // paste was refused for want of helpers its row says so (still prepared).
    const rollbackPending = decided.rollbackPending;
    const docs = await livingDocumentWrites(root, {
      git: context.git,
      record,
      status: rollbackPending && !helpersNotLoaded ? undefined : status,
      results,
      firstDay,
      runbookRel,
      // Its latest deployed run: pasted again after a newer bundle, that is what runs now.
      runStart: runbookWarnings.runs.filter((r) => r.status === 'deployed').at(-1)?.start,
      missingImages: runbookWarnings.missingImages,
      failedPushes: failed,
      archiveNotInS3: runbookWarnings.notInS3 !== undefined,
      // Nothing ran when the helpers were not loaded: a failed row keeps the block it named.
      ...(retryFrom !== undefined && !runbookWarnings.notInS3 ? { retryFrom } : {}),
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
        // A hand-edited time ingest cannot read: the row falls back to its day, said once.
        ...(pending?.unreadPreparedAgain
          ? [
              `${PENDING_CHANGES_FILE}: row \`${bundleId}\`: "${pending.unreadPreparedAgain}" is not read (write \`prepared again HH:MM:SSZ\`, UTC); kept as written, the rollback's runs count from the start of ${pending.date}`,
            ]
          : []),
        ...(rollbackPending
          ? [
              `no run since the rollback was prepared on ${preparedAgain?.replace('T', ' at ')}: it stays prepared`,
            ]
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
