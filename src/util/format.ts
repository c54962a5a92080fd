/**
 * 4,000 as en-US writes it, without toLocaleString: its first call loads ICU, 40–50 ms of CPU
 * in every run that prints one number (a 12-file bundle's limit check, measured with --cpu-prof).
 */
export function grouped(n: number): string {
  const [whole = '', fraction] = String(n).split('.');
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? digits : `${digits}.${fraction}`;
}

/** `text` in lines of at most `width` columns: the first after `first`, the others after `rest`. */
export function wrapText(first: string, rest: string, text: string, width = 80): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && `${line} ${word}`.length > width) {
      lines.push(line);
      line = `${rest}${word}`;
    } else line = empty ? `${line}${word}` : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}
