import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_FORMAT_NAMES,
  ARCHIVE_FORMATS,
  archiveFormat,
  isArchiveFormat,
} from '../../src/model/archive-formats.js';
import { archiveFileName } from '../../src/model/record.js';

describe('ARCHIVE_FORMATS', () => {
  it('knows tar.gz and zip, and nothing inherited from Object', () => {
    expect(ARCHIVE_FORMAT_NAMES).toEqual(['tar.gz', 'zip']);
    expect(isArchiveFormat('zip')).toBe(true);
    expect(isArchiveFormat('rar')).toBe(false);
    expect(isArchiveFormat('toString')).toBe(false);
  });

  it('names the archive file with the format extension', () => {
    expect(archiveFileName('dev-topics-1234567', 'tar.gz')).toBe('dev-topics-1234567.tar.gz');
    expect(archiveFileName('dev-topics-1234567', 'zip')).toBe('dev-topics-1234567.zip');
  });

  it('gives each format its content type and a bastion extract command over the given words', () => {
    expect(archiveFormat('tar.gz').contentType).toBe('application/gzip');
    expect(archiveFormat('zip').contentType).toBe('application/zip');
    expect(ARCHIVE_FORMATS['tar.gz'].extractCommand('"$A"', '"$D"')).toBe(
      'tar --no-same-owner -xzf "$A" -C "$D"',
    );
    expect(ARCHIVE_FORMATS.zip.extractCommand('"$A"', '"$D"')).toBe('unzip -q "$A" -d "$D"');
  });
});
