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
