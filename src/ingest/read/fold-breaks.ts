/**
 * `fold -w N` over a `script(1)` typescript cuts its lines wherever the count reaches N: inside
 * escape sequences (`…fi\x1b[` / `27m…`, bracketed-paste highlighting) and before the CRs of a
 * line editor's redraws. Cleaned a line at a time, the folded copy then reads differently from
 * the session it copies (escape fragments as text, a redraw laid over another piece of the
 * line), so it was kept as a second transcript. This takes fold's breaks out again.
 *
 * A break is fold's when it is a bare LF exactly N columns after the last line start, as fold
 * counts them (every byte one column, a tab to the next multiple of 8, a backspace one back, a
 * CR back to 0), and the typescript's own line ends are CR LF: a terminal writes CR LF, so a
 * bare LF there is no line end of the session. A typescript whose line ends are bare LFs (made
 * by hand, or by a program that writes no CRs) keeps every line: its first line end that fold
 * did not make tells which, and until that one the bytes are held (at most HOLD bytes; none
 * found by then, nothing is taken out). N is the folded header's width (recording.ts), so an
 * unfolded typescript, whose header is one line, never comes here. A fold at another width
 * than the header's, `fold -s` (cuts at blanks) or a fold counting characters, not bytes, is
 * not undone, as before.
 */

const LF = 0x0a;
const CR = 0x0d;

/** How far into the body the first line end of the session's own is looked for. */
export const HOLD = 1 << 20;

export class FoldBreaks {
  private column = 0;
  private previous = -1;
  /** Bytes of the body seen so far. */
  private offset = 0;
  /** Whether the session's own line ends are CR LF: undefined until its first one. */
  private crlf: boolean | undefined;
  /** Held while that is not known: the chunks and, in them, the breaks fold may have made. */
  private held: Buffer[] = [];
  private heldBreaks: number[] = [];
  private heldBytes = 0;
  /** Breaks taken out (the tests read it). */
  removed = 0;

  constructor(private readonly width: number) {}

  /** The bytes of `chunk` to hand on (maybe none yet, maybe held ones too). */
  push(chunk: Buffer): Buffer {
    // Known to end its lines in bare LFs: nothing is taken out, nothing need be counted.
    if (this.crlf === false) return chunk;
    const breaks: number[] = [];
    // Locals, not fields, in the loop over every byte: about 2 ns a byte once warm (a 21 MB
    // folded typescript, ~40 ms of CPU; only a folded typescript comes here).
    const width = this.width;
    let column = this.column;
    let previous = this.previous;
    let crlf: boolean | undefined = this.crlf;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte > 13) column++;
      else if (byte === LF) {
        if (previous !== CR && column === width) breaks.push(i);
        else if (crlf === undefined && this.offset + i < HOLD) crlf = previous === CR;
        column = 0;
      } else if (byte === CR) column = 0;
      else if (byte === 0x08) column = column > 0 ? column - 1 : 0;
      else if (byte === 0x09) column += 8 - (column % 8);
      else column++;
      previous = byte;
    }
    this.column = column;
    this.previous = previous;
    this.crlf = crlf;
    this.offset += chunk.length;
    // Past HOLD with no line end of its own: no evidence that a bare LF is not one.
    if (this.crlf === undefined && this.offset >= HOLD) this.crlf = false;
    if (this.crlf === undefined) {
      for (const at of breaks) this.heldBreaks.push(this.heldBytes + at);
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      return Buffer.alloc(0);
    }
    if (this.held.length) {
      for (const at of breaks) this.heldBreaks.push(this.heldBytes + at);
      const all = Buffer.concat([...this.held, chunk]);
      const allBreaks = this.heldBreaks;
      this.held = [];
      this.heldBreaks = [];
      this.heldBytes = 0;
      return this.crlf ? this.without(all, allBreaks) : all;
    }
    return this.crlf ? this.without(chunk, breaks) : chunk;
  }

  /** What is still held at the end: a body with no line end of its own keeps its LFs. */
  finish(): Buffer {
    const all = Buffer.concat(this.held);
    this.held = [];
    this.heldBreaks = [];
    return all;
  }

  private without(bytes: Buffer, breaks: readonly number[]): Buffer {
    if (!breaks.length) return bytes;
    this.removed += breaks.length;
    const out = Buffer.allocUnsafe(bytes.length - breaks.length);
    let from = 0;
    let to = 0;
    for (const at of breaks) {
      to += bytes.copy(out, to, from, at);
      from = at + 1;
    }
    bytes.copy(out, to, from);
    return out;
  }
}
