// Where a YAML file's documents and a List's items start, for the line a problem names.

/**
 * The first content line of each document, as js-yaml splits them: a `---` that follows only
 * comments and blank lines opens the first document rather than a second one.
 */
export function documentLines(text: string): number[] {
  const starts: number[] = [];
  let content = false;
  let start = 1;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (/^---(\s|$)/.test(line)) {
      if (content) starts.push(start);
      content = false;
      start = i + 2;
      if (/^---\s+\S/.test(line) && !/^---\s+#/.test(line)) {
        content = true;
        start = i + 1;
      }
    } else if (!content && /^\s*(#|%|$)/.test(line)) {
      start = i + 2;
    } else if (!content) {
      content = true;
    }
  });
  starts.push(start);
  return starts;
}

/** The line of each entry of a document's top-level `items:` sequence, in one pass. */
export function listItemLines(lines: readonly string[], documentLine: number): number[] {
  const found: number[] = [];
  let i = documentLine - 1;
  while (i < lines.length && !/^items\s*:/.test(lines[i] ?? '')) {
    if (i > documentLine - 1 && /^---/.test(lines[i] ?? '')) return found;
    i++;
  }
  let indent = -1;
  for (i++; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^(---|\.\.\.)(\s|$)/.test(line)) break;
    if (/^\S/.test(line) && !line.startsWith('- ') && !line.startsWith('#')) break;
    const dash = /^(\s*)- /.exec(line);
    if (!dash) continue;
    const at = dash[1]?.length ?? 0;
    if (indent === -1) indent = at;
    if (at === indent) found.push(i + 1);
  }
  return found;
}
