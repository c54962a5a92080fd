import { parseImageRef } from '../model/images.js';
import { tableDocument, upsertRows } from './managed-document.js';
import type { TableUpdate } from './managed-table.js';
import { parseTables } from './markdown-table.js';

export interface EcrImageRecord {
  repository: string;
  tag: string;
  digest: string;
  environment: string;
  date: string;
  source: string;
}

/**
 * The Digest cell of a row ingest writes when a CloudShell push failed: the image is not in
 * ECR, and missingImages does not count the row (a later successful push replaces it).
 */
export const PUSH_FAILED = 'none: push failed';
/**
 * The Digest cell when the output stops inside the push block (no end marker): the push may
 * have finished after the copy was taken, so it may or may not be in ECR; counted as missing.
 */
export const PUSH_NOT_RECORDED = 'none: push not recorded';

const clean = (cell: string | undefined) => (cell ?? '').replace(/`/g, '').trim();

/**
 * docs/ecr-manifest.md: what is in ECR per environment. airgap reads every table of the
 * document (readEcrImages), so `fromCells` only decodes the rows it wrote itself.
 */
export const ECR_MANIFEST = tableDocument<EcrImageRecord>({
  file: 'docs/ecr-manifest.md',
  block: 'ecr-images',
  newText: '# ECR manifest\n\nWhat is in ECR, per environment. Check before deploying.\n',
  intro: ['Images recorded by `airgap ingest` (rows keyed by repository, tag, environment).', ''],
  header: ['Repository', 'Tag', 'Digest', 'Environment', 'Date', 'Source'],
  keyColumns: [0, 1, 3],
  toCells: (r) => [r.repository, r.tag, r.digest, r.environment, r.date, r.source],
  fromCells: (row) => ({
    repository: clean(row[0]),
    tag: clean(row[1]),
    digest: clean(row[2]),
    environment: clean(row[3]),
    date: clean(row[4]),
    source: clean(row[5]),
  }),
});

export const ECR_MANIFEST_FILE = ECR_MANIFEST.file;

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
  const recorded = readEcrImages(manifestText).filter(
    (row) => row.digest !== PUSH_FAILED && row.digest !== PUSH_NOT_RECORDED,
  );
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
  return upsertRows(ECR_MANIFEST, text, records);
}
