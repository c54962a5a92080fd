/**
 * A stand-in for `fold -w N` (GNU coreutils, without -b or -s), so tests fold as the tool does
 * on any machine: it counts every byte as a column, a tab to the next multiple of 8, a backspace
 * one back and a CR back to 0, and writes a LF before a byte that would pass the width.
 */
export function fold(bytes: Buffer, width: number): Buffer {
  const out: number[] = [];
  let column = 0;
  for (const byte of bytes) {
    if (byte === 10) column = 0;
    else {
      const next =
        byte === 13
          ? 0
          : byte === 8
            ? Math.max(0, column - 1)
            : byte === 9
              ? column + 8 - (column % 8)
              : column + 1;
      if (next > width) {
        out.push(10);
        column = byte === 9 ? 8 : 1;
      } else column = next;
    }
    out.push(byte);
  }
  return Buffer.from(out);
}
