/**
 * The 512-byte ustar header of a plain entry, written directly: the same bytes node-tar's Header
 * encodes for uid/gid 0, empty user names and no atime/ctime, at a fraction of its cost (its
 * object spread, field slurping and string padding were a tenth of a 50,000-file bundle).
 * Entries it cannot encode exactly (long or non-ASCII names, huge sizes) are left to node-tar.
 */

export const BLOCK = 512;

export interface UstarFields {
  path: string;
  mode: number;
  size: number;
  type: 'File' | 'SymbolicLink';
  linkpath?: string;
}

const TYPE_FLAG = { File: 0x30, SymbolicLink: 0x32 } as const;
/** Largest size a 12-byte octal field holds; node-tar switches to base-256 and pax above it. */
const MAX_SIZE = 0o77777777777;
/** node-tar keeps names shorter than this in the name field; longer ones it splits or paxes. */
const MAX_PLAIN_NAME = 100;
const MAX_SMALL = 0o7777777;

/**
 * node-tar's octal field: zero-padded digits, then a space and a NUL (a NUL alone when the
 * digits fill it). Written digit by digit: a string per field was most of this module's garbage.
 */
function octal(block: Buffer, offset: number, size: number, value: number): void {
  let rest = Math.floor(value);
  let digits = 1;
  for (let t = rest; t >= 8; t = Math.floor(t / 8)) digits++;
  let end = offset + size - 1;
  block[end] = 0;
  if (digits < size - 1) block[--end] = 0x20;
  for (let at = end - 1; at >= offset; at--) {
    block[at] = 0x30 + (rest % 8);
    rest = Math.floor(rest / 8);
  }
}

/** True when every character is 7-bit ASCII, so one character is one byte. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * A header template for one writer: everything but name, mode, size, type, link and checksum
 * is the same for every entry (uid/gid 0, the fixed mtime, the magic, empty names, devices 0).
 */
export function ustarTemplate(mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 136, 12, mtime.getTime() / 1000);
  block.write('ustar\u000000', 257, 8, 'latin1');
  octal(block, 329, 8, 0);
  octal(block, 337, 8, 0);
  return block;
}

/**
 * Writes the header into `block` (512 bytes, overwritten) from `template`; false when node-tar
 * would have needed a pax header or a prefix split, so the caller encodes it with node-tar.
 */
export function encodeUstar(block: Buffer, template: Buffer, fields: UstarFields): boolean {
  const { path, linkpath } = fields;
  if (path.length >= MAX_PLAIN_NAME || !isAscii(path)) return false;
  if (linkpath !== undefined && (linkpath.length > MAX_PLAIN_NAME || !isAscii(linkpath)))
    return false;
  if (fields.size > MAX_SIZE || fields.size < 0 || fields.mode > MAX_SMALL) return false;
  template.copy(block, 0, 0, BLOCK);
  block.write(path, 0, MAX_PLAIN_NAME, 'latin1');
  octal(block, 100, 8, fields.mode);
  octal(block, 124, 12, fields.size);
  block[156] = TYPE_FLAG[fields.type];
  if (linkpath !== undefined) block.write(linkpath, 157, MAX_PLAIN_NAME, 'latin1');
  // The checksum field counts as eight spaces while summing.
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += block[i]!;
  for (let i = 156; i < BLOCK; i++) sum += block[i]!;
  octal(block, 148, 8, sum);
  return true;
}
