/** A backtick fence longer than any run of backticks in the content, so output cannot close it. */
export function fenceFor(content: string, minimum = 3): string {
  let longest = 0;
  for (const match of content.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return '`'.repeat(Math.max(minimum, longest + 1));
}

export function fenced(content: string, info = ''): string {
  const fence = fenceFor(content);
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return `${fence}${info}\n${body}${fence}`;
}

/** Text on one line, whatever it holds: a heading or a list item cannot be split by it. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** An inline code span that the text cannot close, on one line. */
export function inlineCode(text: string): string {
  const flat = oneLine(text);
  let longest = 0;
  for (const match of flat.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * Literal text on one line of Markdown: the marks that are inline syntax are escaped, and so
 * is a start that would make a list, a heading underline or a numbered item.
 */
export function plainText(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_[\]<>#!&|~]/g, (c) => `\\${c}`)
    .replace(/^([-+=])|^(\d+)([.)])/, (_m, sign, digits, mark) =>
      sign ? `\\${sign}` : `${digits}\\${mark}`,
    );
}
