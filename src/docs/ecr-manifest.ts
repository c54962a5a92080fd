import { parseImageRef } from '../model/images.js';
import { type TableUpdate, upsertTableRows } from './managed-table.js';
import { parseTables } from './markdown-table.js';

export const ECR_MANIFEST_FILE = 'docs/ecr-manifest.md';
const BLOCK = 'ecr-images';
const HEADER = ['Repository', 'Tag', 'Digest', 'Environment', 'Date', 'Source'];
const INTRO = [
  'Images recorded by `airgap ingest` (rows keyed by repository, tag, environment).',
  '',
];

export interface EcrImageRecord {
  repository: string;
  tag: string;
  digest: string;
  environment: string;
  date: string;
  source: string;
}

const clean = (cell: string | undefined) => (cell ?? '').replace(/`/g, '').trim();

/**
 * Reads every table in the document that has repository and tag columns, human-written
 * or managed, so images a person recorded by hand count as present too.
 */
export function readEcrImages(text: string): EcrImageRecord[] {
  const records: EcrImageRecord[] = [];
  for (const table of parseTables(text)) {
    const col = (name: string) =>
      table.header.findIndex((cell) => cell.replace(/[`*]/g, '').startsWith(name));
    const repo = col('repo');
    const tag = col('tag');
    if (repo < 0 || tag < 0) continue;
    const env = col('env');
    for (const row of table.rows) {
      records.push({
        repository: clean(row[repo]),
        tag: clean(row[tag]),
        digest: clean(row[col('digest')]),
        environment: env >= 0 ? clean(row[env]).toLowerCase() : '',
        date: clean(row[col('date')]),
        source: clean(row[col('source')]),
      });
    }
  }
  return records;
}

/** Images the bundle needs that the manifest does not show in ECR for the environment. */
export function missingImages(
  images: readonly string[],
  manifestText: string,
  environment: string,
): string[] {
  const recorded = readEcrImages(manifestText);
  return images.filter((image) => {
    const ref = parseImageRef(image);
    return !recorded.some((row) => {
      const repoMatches =
        row.repository === ref.repository ||
        row.repository.endsWith(`/${ref.repository}`) ||
        ref.repository.endsWith(`/${row.repository}`);
      const tagMatches =
        row.tag === ref.tag || (ref.digest !== undefined && row.digest === ref.digest);
      const envMatches =
        row.environment === '' || row.environment === 'all' || row.environment === environment;
      return repoMatches && tagMatches && envMatches;
    });
  });
}

export function upsertEcrImages(text: string, records: readonly EcrImageRecord[]): TableUpdate {
  return upsertTableRows(text, {
    block: BLOCK,
    file: ECR_MANIFEST_FILE,
    intro: INTRO,
    header: HEADER,
    keyColumns: [0, 1, 3],
    rows: records.map((r) => [r.repository, r.tag, r.digest, r.environment, r.date, r.source]),
  });
}
