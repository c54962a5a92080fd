/**
 * What a terminal shows, from what it was sent: escape sequences removed, carriage-return
 * redraws collapsed to their final state, backspaces applied. A line at a time
 * (cleanTerminalLine) or a chunk of whole lines at once (cleanTerminalText, the fast path: one
 * regex pass per chunk, per-line work only for the lines that need it). Both give the same text.
 */

// OSC (title, hyperlinks) ends in BEL or ST; CSI covers colours, cursor moves, bracketed paste.
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const OTHER_ESCAPES = /\x1b(?:[()*+][0-9A-Za-z]|[=>78cDEHMNOZ\\]|$)/g;
// The same over many lines, whose `\r\n` ends were made `\n` first (as a line's one trailing
// `\r` is dropped before the per-line patterns run): none may cross a newline.
const OSC_TEXT = /\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?/g;
const OTHER_ESCAPES_TEXT = /\x1b(?:[()*+][0-9A-Za-z]|[=>78cDEHMNOZ\\]|(?=\n|$))/g;
const CRLF = /\r\n/g;
const CONTROL = /[\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;
const CONTROL_TEST = /[\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/;
/** What only the per-line code handles: controls (`\r`, `\b`, a lone ESC), blanks at the end. */
const NEEDS_LINE_WORK = /[\x00-\x08\x0b-\x1f\x7f]|[ \t](?:\n|$)/g;

export function cleanTerminalLine(raw: string): string {
  let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.includes('\x1b'))
    line = line.replace(OSC, '').replace(CSI, '').replace(OTHER_ESCAPES, '');
  return settleLine(line);
}

/** A line without escape sequences as the terminal leaves it (redraws, backspaces, blanks). */
export function settleLine(text: string): string {
  let line = text;
  if (line.includes('\r')) {
    // A redraw: the terminal ends up showing the last segment over the earlier ones.
    const segments = line.split('\r');
    let shown = '';
    for (const segment of segments) {
      shown = segment.length >= shown.length ? segment : segment + shown.slice(segment.length);
    }
    line = shown;
  }
  if (line.includes('\b')) {
    let out = '';
    for (const ch of line) out = ch === '\b' ? out.slice(0, -1) : out + ch;
    line = out;
  }
  if (CONTROL_TEST.test(line)) line = line.replace(CONTROL, '');
  const last = line.charCodeAt(line.length - 1);
  return last === 32 || last === 9 ? line.replace(/[ \t]+$/, '') : line;
}

/**
 * Many lines at once, each as cleanTerminalLine leaves it; newlines are kept (a last line
 * without one stays without). Lines holding nothing but text and escapes never reach JS code.
 */
export function cleanTerminalText(raw: string): string {
  // The patterns find a line's end by its newline: a last line without one gets one lent.
  if (raw !== '' && !raw.endsWith('\n')) return cleanTerminalText(`${raw}\n`).slice(0, -1);
  const text = removeEscapes(raw);
  NEEDS_LINE_WORK.lastIndex = 0;
  let found = NEEDS_LINE_WORK.exec(text);
  if (!found) return text;
  let out = '';
  let done = 0;
  while (found) {
    const start = text.lastIndexOf('\n', found.index - 1) + 1;
    let end = text.indexOf('\n', found.index);
    if (end < 0) end = text.length;
    out += text.slice(done, start) + settleLine(text.slice(start, end));
    done = end;
    NEEDS_LINE_WORK.lastIndex = end;
    found = NEEDS_LINE_WORK.exec(text);
  }
  return out + text.slice(done);
}

/**
 * The first half of cleanTerminalText, for lines each ending in `\n`: `\r\n` made `\n` and
 * escape sequences removed. settleLine then gives each line as cleanTerminalLine would; it
 * changes only lines holding a control character other than tab, or a blank at their end.
 */
export function removeEscapes(raw: string): string {
  let text = raw.includes('\r') ? raw.replace(CRLF, '\n') : raw;
  if (!text.includes('\x1b')) return text;
  // Each pass only when its sequences can be there: most chunks hold colours and nothing else.
  if (text.includes('\x1b]')) text = text.replace(OSC_TEXT, '');
  text = text.replace(CSI, '');
  return text.includes('\x1b') ? text.replace(OTHER_ESCAPES_TEXT, '') : text;
}
