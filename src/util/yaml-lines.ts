/**
 * js-yaml gives no positions for values, so find the line of a key path by walking the text:
 * each segment is looked for after the line where its parent was found. Good enough to point
 * a person at the right place; falls back to the closest parent found.
 */
export function lineOf(text: string, path: readonly string[]): number {
  const lines = text.split(/\r?\n/);
  let line = 0;
  let found = 1;
  for (const segment of path) {
    if (/^\d+$/.test(segment)) {
      let index = -1;
      let indent = -1;
      for (let i = line; i < lines.length; i++) {
        const match = /^(\s*)- /.exec(lines[i] ?? '');
        if (!match) continue;
        const itemIndent = match[1]?.length ?? 0;
        if (indent === -1) indent = itemIndent;
        if (itemIndent !== indent) continue;
        index++;
        if (index === Number(segment)) {
          line = i;
          found = i + 1;
          break;
        }
      }
      continue;
    }
    const keyPattern = new RegExp(
      `^[\\s-]*${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:|[{,]\\s*${segment}\\s*:`,
    );
    for (let i = line; i < lines.length; i++) {
      if (keyPattern.test(lines[i] ?? '')) {
        line = i;
        found = i + 1;
        break;
      }
    }
  }
  return found;
}
