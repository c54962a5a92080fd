/**
 * js-yaml gives no positions for values, so find the line of a key path by walking the text:
 * each segment is looked for inside its parent, from the parent's line to the first line
 * indented no deeper than the parent (an item ends at the next item or a dedent). Good enough
 * to point a person at the right place; falls back to the closest parent found, so a key
 * missing from a list item is reported at the item, never at a later item's key.
 */
export function lineOf(text: string, path: readonly string[]): number {
  const lines = text.split(/\r?\n/);
  let line = 0;
  let end = lines.length;
  let found = 1;
  for (const segment of path) {
    let at = -1;
    let indent = -1;
    if (/^\d+$/.test(segment)) {
      let index = -1;
      let itemIndent = -1;
      for (let i = line; i < end; i++) {
        const match = /^(\s*)- /.exec(lines[i] ?? '');
        if (!match) continue;
        const d = match[1]?.length ?? 0;
        if (itemIndent === -1) itemIndent = d;
        if (d !== itemIndent) continue;
        index++;
        if (index === Number(segment)) {
          at = i;
          indent = d;
          break;
        }
      }
    } else {
      const name = segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const keyPattern = new RegExp(`^([\\s-]*)${name}\\s*:|[{,]\\s*${name}\\s*:`);
      for (let i = line; i < end; i++) {
        const match = keyPattern.exec(lines[i] ?? '');
        if (!match) continue;
        at = i;
        // A flow mapping's key: its children are on the same line.
        indent = match[1] === undefined ? Number.POSITIVE_INFINITY : match[1].length;
        break;
      }
    }
    if (at < 0) break;
    line = at;
    found = at + 1;
    end = blockEnd(lines, at, indent, end, !/^\d+$/.test(segment));
  }
  return found;
}

/**
 * The first line after `start`, before `end`, indented `indent` or less: not a child. A key's
 * list may stand at the key's own indent (`steps:` then `- name: …`): its items are children.
 */
function blockEnd(
  lines: readonly string[],
  start: number,
  indent: number,
  end: number,
  isKey: boolean,
): number {
  for (let i = start + 1; i < end; i++) {
    const text = lines[i] ?? '';
    if (/^\s*(#.*)?$/.test(text)) continue;
    const d = /^\s*/.exec(text)?.[0].length ?? 0;
    if (d < indent || (d === indent && !(isKey && text.slice(d).startsWith('- ')))) return i;
  }
  return end;
}
