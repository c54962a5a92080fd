/**
 * What a terminal shows, from what it was sent: escape sequences removed, carriage-return
 * redraws collapsed to their final state, backspaces applied. One line at a time, so a
 * 200 MB transcript never needs to be in memory at once.
 */

// OSC (title, hyperlinks) ends in BEL or ST; CSI covers colours, cursor moves, bracketed paste.
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const OTHER_ESCAPES = /\x1b(?:[()*+][0-9A-Za-z]|[=>78cDEHMNOZ\\]|$)/g;
const CONTROL = /[\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;
const CONTROL_TEST = /[\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/;

export function cleanTerminalLine(raw: string): string {
  let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.includes('\x1b'))
    line = line.replace(OSC, '').replace(CSI, '').replace(OTHER_ESCAPES, '');
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
