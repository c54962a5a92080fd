import { join, posix } from 'node:path';
import {
  ENV_DETAILS_FILE,
  MAX_LINES,
  type Observation,
  upsertObservations,
} from '../../docs/env-details.js';
import type { UnitResult } from '../../ingest/outcome/merge.js';
import { readRange } from '../../ingest/parse/images.js';
import { iso } from '../../ingest/runbook/runbook.js';
import type { BundleRecord } from '../../model/record.js';
import { readTextIfExists } from '../../util/fs.js';
import type { DocumentWrite } from '../../util/transaction.js';

/**
 * docs/env-details.md after this ingest: the outputs of the bundle's `observe:` units that ran
 * to their end marker (whatever their exit code), read from the cleaned and masked transcript
 * as the runbook quotes them. Nothing to write when none ran or nothing changed.
 */
export async function observationWrites(
  root: string,
  record: BundleRecord,
  results: readonly UnitResult[],
  runbookRel: string,
): Promise<DocumentWrite[]> {
  const observations: Observation[] = [];
  for (const r of results) {
    const a = r.final;
    if (r.kind !== 'observe' || !a?.complete || a.skipped || r.command === undefined) continue;
    const lines = readRange(a.outputPath, a.outputStart, a.outputEnd)
      .replace(/\n$/, '')
      .split('\n');
    const cut = lines.length > MAX_LINES;
    observations.push({
      name: r.name,
      command: r.command,
      at: a.utc ?? iso(a.beginEpoch).replace(/\.\d+Z$/, 'Z'),
      bundle: record.id,
      runbook: posix.relative('docs', runbookRel),
      rc: a.rc ?? 0,
      output: [
        ...lines.slice(0, MAX_LINES),
        ...(cut ? [`… ${lines.length - MAX_LINES} more line(s) in the runbook`] : []),
      ].join('\n'),
    });
  }
  if (!observations.length) return [];
  const before = (await readTextIfExists(join(root, ENV_DETAILS_FILE))) ?? '';
  const after = upsertObservations(before, record.environment, observations);
  return after === before ? [] : [{ rel: ENV_DETAILS_FILE, content: after }];
}
