/**
 * The archive formats a bundle can ship in: one entry each, so a new format is one entry here,
 * one writer in src/bundle/archive.ts (a Record over the same keys) and tests. A format missing
 * from either table is a compile error.
 */
export interface ArchiveFormatInfo {
  /** The file name ending after `<bundle-id>.`. */
  extension: string;
  /** The S3 object's Content-Type. */
  contentType: string;
  /**
   * The bastion command that extracts the archive into a directory. Both arguments are shell
   * words as they should appear in the script (already quoted by the caller).
   */
  extractCommand: (archiveWord: string, destinationWord: string) => string;
}

export const ARCHIVE_FORMATS = {
  'tar.gz': {
    extension: 'tar.gz',
    contentType: 'application/gzip',
    extractCommand: (archive, destination) =>
      `tar --no-same-owner -xzf ${archive} -C ${destination}`,
  },
  zip: {
    extension: 'zip',
    contentType: 'application/zip',
    extractCommand: (archive, destination) => `unzip -q ${archive} -d ${destination}`,
  },
} as const satisfies Record<string, ArchiveFormatInfo>;

export type ArchiveFormat = keyof typeof ARCHIVE_FORMATS;

/** The format names in table order, e.g. for --format's help and the record schema. */
export const ARCHIVE_FORMAT_NAMES = Object.keys(ARCHIVE_FORMATS) as [
  ArchiveFormat,
  ...ArchiveFormat[],
];

export function isArchiveFormat(name: string): name is ArchiveFormat {
  return Object.hasOwn(ARCHIVE_FORMATS, name);
}

export function archiveFormat(format: ArchiveFormat): ArchiveFormatInfo {
  return ARCHIVE_FORMATS[format];
}
