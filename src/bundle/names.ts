import { isUtf8 } from 'node:buffer';

/** Longest path component (bytes) that ext4, xfs and tar's ustar/pax round trip everywhere. */
export const MAX_NAME_COMPONENT_BYTES = 255;

/**
 * A file name as a person can read and retype it: printable UTF-8 as is, control characters
 * as \n, \r, \t or \xNN, and bytes that are not UTF-8 as \xNN.
 */
export function escapeName(name: string | Buffer): string {
  const bytes = typeof name === 'string' ? Buffer.from(name) : name;
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    const length = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 0;
    const sequence = bytes.subarray(i, i + Math.max(length, 1));
    if (length === 1) {
      out += controlEscape(byte);
      i++;
    } else if (length > 1 && sequence.length === length && isUtf8(sequence)) {
      out += sequence.toString('utf8');
      i += length;
    } else {
      out += `\\x${hex(byte)}`;
      i++;
    }
  }
  return out;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function controlEscape(byte: number): string {
  if (byte === 10) return '\\n';
  if (byte === 13) return '\\r';
  if (byte === 9) return '\\t';
  if (byte === 92) return '\\\\';
  if (byte < 32 || byte === 127) return `\\x${hex(byte)}`;
  return String.fromCharCode(byte);
}

/** Why a committed name cannot travel to the bastion intact, or undefined when it can. */
export function nameProblem(entry: { path: string; rawName?: Buffer }): string | undefined {
  // Escaped only for a message: 50,000 good names should not each pay for it.
  const shown = () => escapeName(entry.rawName ?? entry.path);
  if (entry.rawName) {
    return `${shown()}: the name is not valid UTF-8 (it would be shipped under a replaced name, and two such names collapse into one); rename it to UTF-8`;
  }
  if (/[\n\r]/.test(entry.path)) {
    return `${shown()}: a newline or carriage return in a file name breaks SHA256SUMS lines and terminal pastes; rename it`;
  }
  // A component over 255 bytes needs a path over 255 UTF-16 units (a unit is at most 3 bytes).
  if (entry.path.length <= MAX_NAME_COMPONENT_BYTES / 3) return undefined;
  const long = entry.path
    .split('/')
    .find((part) => Buffer.byteLength(part) > MAX_NAME_COMPONENT_BYTES);
  if (long !== undefined) {
    return `${shown()}: a path component is ${Buffer.byteLength(long)} bytes, over the ${MAX_NAME_COMPONENT_BYTES} the bastion's file system and tar accept; shorten it`;
  }
  return undefined;
}

/**
 * The name to match globs against: picomatch's `**` never crosses a newline, which used to
 * leave such files out silently instead of refusing them.
 */
export function matchableName(path: string): string {
  return /[\n\r]/.test(path) ? path.replace(/[\n\r]/g, '_') : path;
}

/** Here rather than in manifests.ts: the plan needs it without loading the credential rules. */
export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}
