import { appendFileSync, createReadStream, existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ECR_MANIFEST_FILE, type EcrImageRecord, upsertEcrImages } from '../docs/ecr-manifest.js';
import { upsertManagedBlock } from '../docs/managed-block.js';
import {
  type BundleStatus,
  PENDING_CHANGES_FILE,
  readPendingEntries,
  upsertPendingEntry,
} from '../docs/pending-changes.js';
import { AirgapError } from '../errors.js';
import { cleanTranscript } from '../ingest/clean.js';
import { FileSink } from '../ingest/lines.js';
import { acquireLock } from '../ingest/lock.js';
import { bundleStatus, mergeAttempts } from '../ingest/merge.js';
import { iso, renderRunbook } from '../ingest/runbook.js';
import { type SpooledTranscript, spoolTranscript } from '../ingest/spool.js';
import { isCloudShellKind } from '../model/markers.js';
import { readRecord, recordPath } from '../model/record.js';
import { openRunDir } from '../repo/airgap-dir.js';
import { repoRoot } from '../repo/git.js';
import { cloudshellUnits } from '../scripts/cloudshell.js';
import { readTextOrEmpty } from '../util/fs.js';
import { onInterrupt } from '../util/process.js';
import type { TransactionFs } from '../util/transaction.js';
import {
  blockHashOfFile,
  chooseBundle,
  collectImages,
  handoffWrites,
  previewDiff,
} from './ingest-documents.js';
import { asWriteFailure, docsLockPath, writeRepoDocuments } from './repo-documents.js';

export interface IngestOptions {
  transcript: string;
  repo?: string;
  bundle?: string;
  dryRun?: boolean;
  redact?: boolean;
  cwd?: string;
  stdin?: AsyncIterable<Buffer>;
  /** The file-system calls the document writes make; tests inject failures here. */
  documentFs?: TransactionFs;
}

export interface IngestResult {
  bundleId: string;
  status: BundleStatus | undefined;
  runbook: string;
  transcript: string;
  duplicate: boolean;
  changed: string[];
  units: Record<string, number>;
  masked: number;
  /** Masked values per rule id (the `«masked:<rule-id>»` markers), over every kept transcript. */
  maskedByRule: Record<string, number>;
  images: EcrImageRecord[];
  warnings: string[];
  diff?: string;
}

export const RUNBOOKS_DIR = 'docs/RUNBOOKS';

export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = await repoRoot(options.repo ? resolve(cwd, options.repo) : cwd);
  const source = options.transcript === '-' ? 'standard input' : options.transcript;
  if (options.transcript !== '-' && !existsSync(resolve(cwd, options.transcript))) {
    throw new AirgapError(`transcript not found: ${options.transcript}`, {
      hint: 'save the pasted terminal output to a file, or pipe it in with -',
      code: 'usage',
    });
  }
  const lockPath = await docsLockPath(root);
  let release: () => void;
  try {
    release = acquireLock(lockPath);
  } catch (error) {
    throw asWriteFailure(error);
  }
  // Temp files live under .git/airgap/tmp/; Ctrl-C removes them, the next run sweeps a kill -9.
  const run = await openRunDir(root).catch((error: unknown) => {
    release();
    throw asWriteFailure(error);
  });
  const work = run.path;
  const disposeInterrupt = onInterrupt(() => {
    run.remove();
    release();
  });
  try {
    const input =
      options.transcript === '-'
        ? (options.stdin ?? process.stdin)
        : createReadStream(resolve(cwd, options.transcript), { highWaterMark: 1 << 18 });
    const redact = options.redact ?? true;
    const cleaned = await cleanTranscript(
      input as AsyncIterable<Buffer>,
      join(work, 'new-transcript.log'),
      redact,
    );
    const bundleId = chooseBundle(cleaned.bundleIds, options.bundle, source);
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
    const record = await readRecord(recordFile);
    const warnings: string[] = [];
    if (!redact)
      warnings.push('--no-redact: secrets in the transcript are written to the repo as they are');

    // Keep every distinct paste for the bundle; re-render the runbook from all of them.
    const transcriptDir = join(RUNBOOKS_DIR, 'transcripts', bundleId);
    const existing = existsSync(join(root, transcriptDir))
      ? readdirSync(join(root, transcriptDir))
          .filter((f) => f.endsWith('.log'))
          .sort()
      : [];
    const shortSha = cleaned.sha256.slice(0, 12);
    const duplicateOf = existing.find((f) => f.includes(shortSha));
    const newName =
      duplicateOf ?? `${iso(cleaned.firstEpoch).replace(/[-:]/g, '')}-${shortSha}.log`;
    const names = duplicateOf ? existing : [...existing, newName].sort();
    const transcripts: SpooledTranscript[] = [];
    for (const [index, name] of names.entries()) {
      const path =
        name === newName && !duplicateOf ? cleaned.path : join(root, transcriptDir, name);
      transcripts.push(await spoolTranscript(path, name, index, work, bundleId));
    }
    const attempts = transcripts.flatMap((t) => t.attempts);
    const results = mergeAttempts(record.units, attempts, cloudshellUnits(record));
    const status = bundleStatus(results);
    const begins = attempts.map((a) => a.beginEpoch);
    const firstDay = begins.length
      ? iso(begins.reduce((a, b) => Math.min(a, b))).slice(0, 10)
      : iso(Date.now() / 1000).slice(0, 10);
    const runbookName =
      (existsSync(join(root, RUNBOOKS_DIR))
        ? readdirSync(join(root, RUNBOOKS_DIR)).find((f) => f.endsWith(`-${bundleId}.md`))
        : undefined) ?? `${firstDay}-${bundleId}.md`;
    const runbookRel = `${RUNBOOKS_DIR}/${runbookName}`;

    const body = new FileSink(join(work, 'runbook-body.md'));
    try {
      renderRunbook(body, {
        record,
        results,
        transcripts,
        transcriptPaths: names.map((n) => `${transcriptDir}/${n}`),
        status,
        redacted: redact,
      });
    } finally {
      body.close();
    }

    // Compute every document first; write only when all are ready.
    const writes: Array<{ rel: string; content?: string; fromFile?: string }> = [];
    const runbookAbs = join(root, runbookRel);
    if (existsSync(runbookAbs)) {
      const before = await readFile(runbookAbs, 'utf8');
      const lines = (await readFile(body.path, 'utf8')).replace(/\n$/, '').split('\n');
      const after = upsertManagedBlock(before, 'runbook', lines);
      if (after !== before) writes.push({ rel: runbookRel, content: after });
    } else {
      const hash = await blockHashOfFile(body.path);
      const full = new FileSink(join(work, 'runbook-full.md'));
      full.line(`<!-- airgap:begin runbook sha256=${hash} (managed by airgap; edits are kept) -->`);
      full.close();
      for await (const chunk of createReadStream(body.path))
        appendFileSync(full.path, chunk as Buffer);
      appendFileSync(
        full.path,
        '<!-- airgap:end runbook -->\n\n## Notes\n\nAdd notes here: airgap only rewrites the block above.\n',
      );
      writes.push({ rel: runbookRel, fromFile: full.path });
    }
    if (!duplicateOf) writes.push({ rel: `${transcriptDir}/${newName}`, fromFile: cleaned.path });

    if (status) {
      const pendingPath = join(root, PENDING_CHANGES_FILE);
      const before = await readTextOrEmpty(pendingPath);
      const previous = readPendingEntries(before).find((e) => e.bundleId === bundleId);
      const update = upsertPendingEntry(before, {
        bundleId,
        environment: record.environment,
        status,
        commit: record.commit,
        date: firstDay,
        files: previous?.files ?? record.files.length,
        images: previous?.images ?? record.images.length,
        link: `[runbook](${runbookRel})`,
      });
      warnings.push(...update.warnings);
      if (update.changed) writes.push({ rel: PENDING_CHANGES_FILE, content: update.text });
      writes.push(
        ...(await handoffWrites(root, readPendingEntries(update.text), {
          bundleId,
          environment: record.environment,
          status,
          date: firstDay,
          runbook: runbookRel,
        })),
      );
    }
    const images = collectImages(record, results);
    if (images.length) {
      const manifestPath = join(root, ECR_MANIFEST_FILE);
      const before = await readTextOrEmpty(manifestPath);
      const update = upsertEcrImages(before, images);
      warnings.push(...update.warnings);
      if (update.changed) writes.push({ rel: ECR_MANIFEST_FILE, content: update.text });
    }

    const units: Record<string, number> = {};
    for (const r of results)
      if (r.final || !isCloudShellKind(r.kind)) units[r.status] = (units[r.status] ?? 0) + 1;
    const result: IngestResult = {
      bundleId,
      status,
      runbook: runbookRel,
      transcript: `${transcriptDir}/${newName}`,
      duplicate: Boolean(duplicateOf),
      changed: writes.map((w) => w.rel),
      units,
      masked: transcripts.reduce((sum, t) => sum + t.masked, 0),
      maskedByRule: sumByRule(transcripts.map((t) => t.maskedByRule)),
      images,
      warnings,
    };
    if (options.dryRun) {
      result.diff = await previewDiff(root, work, writes);
      return result;
    }
    await writeRepoDocuments(root, writes, join(work, 'staged'), options.documentFs);
    return result;
  } catch (error) {
    throw asWriteFailure(error);
  } finally {
    disposeInterrupt();
    run.remove();
    release();
  }
}

function sumByRule(counts: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of counts)
    for (const [rule, n] of Object.entries(c)) sum[rule] = (sum[rule] ?? 0) + n;
  return Object.fromEntries(Object.entries(sum).sort(([a], [b]) => a.localeCompare(b)));
}
