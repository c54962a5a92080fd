/**
 * The archive formats a bundle can ship in, with what the record and S3 need (the file name's
 * extension, the content type). Everything else about a format (the bastion tools and extract
 * command, magic bytes, manifest reader, writer) is its entry in src/paste/archive-codecs.ts,
 * a `Record` over the same names: a format named here without that entry does not compile.
 */
export interface ArchiveFormatInfo {
  /** The file name ending after `<bundle-id>.`. */
  extension: string;
  /** The S3 object's Content-Type. */
  contentType: string;
}

export const ARCHIVE_FORMATS = {
  'tar.gz': {
    extension: 'tar.gz',
    contentType: 'application/gzip',
  },
  zip: {
    extension: 'zip',
    contentType: 'application/zip',
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
