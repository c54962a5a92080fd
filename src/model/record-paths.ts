/**
 * Where a bundle record and its archive live, without the record schema: an unchanged rerun
 * needs these names but not zod (record.ts re-exports them for everyone else).
 */
import { type ArchiveFormat, archiveFormat } from './archive-formats.js';

export const RECORDS_DIR = 'bundles/records';

export function recordPath(bundleId: string): string {
  return `${RECORDS_DIR}/${bundleId}.json`;
}

export function archiveFileName(bundleId: string, format: ArchiveFormat): string {
  return `${bundleId}.${archiveFormat(format).extension}`;
}

export function s3Key(prefix: string, fileName: string): string {
  const clean = prefix.replace(/^\/+|\/+$/g, '');
  return clean ? `${clean}/${fileName}` : fileName;
}
