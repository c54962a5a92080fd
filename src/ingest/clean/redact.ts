import { type LinesText, MASK_MARKER, SecretMasker } from '../../secrets/index.js';

/**
 * Masks a transcript line by line with the shared secrets engine (src/secrets). Each line is
 * emitted once the next has been seen, so a value cut by a hard wrap is masked in both halves.
 */
export class Redactor {
  private readonly masker = new SecretMasker();

  constructor(private readonly enabled = true) {}

  /** Values masked per rule id. */
  get counts(): ReadonlyMap<string, number> {
    return this.masker.counts;
  }

  get total(): number {
    return this.masker.total;
  }

  push(line: string, emit: (text: string) => void): void {
    if (this.enabled) this.masker.push(line, emit);
    else emit(line);
  }

  /**
   * Many lines at once (each ending in `\n`), as push() on each: runs of lines with nothing to
   * mask go to `emitRun` (offsets into `text`) together, the others through `prepare` to
   * `emit` one by one (see SecretMasker.pushText). `flagged`: lineFilter().flagged(text).
   */
  pushText(
    text: LinesText,
    flagged: readonly number[],
    emit: (line: string) => void,
    emitRun: (from: number, to: number) => void,
    prepare: (line: string) => string,
  ): void {
    if (this.enabled) {
      this.masker.pushText(text, flagged, emit, emitRun, prepare);
      return;
    }
    let at = 0;
    for (const start of flagged) {
      if (start > at) emitRun(at, start);
      const end = text.indexOf('\n', start);
      emit(prepare(text.slice(start, end)));
      at = end + 1;
    }
    if (at < text.length) emitRun(at, text.length);
  }

  end(emit: (text: string) => void): void {
    if (this.enabled) this.masker.end(emit);
  }
}

/** Masks a short multi-line text (a command from the spec) on its own. */
export function redactText(text: string): string {
  const out: string[] = [];
  const redactor = new Redactor();
  const emit = (line: string) => out.push(line);
  for (const line of text.split('\n')) redactor.push(line, emit);
  redactor.end(emit);
  return out.join('\n');
}

/** Masks counted per rule in already masked text (a kept transcript). */
export function countMasks(text: string, into: Record<string, number>): number {
  if (!text.includes('«masked:')) return 0;
  let n = 0;
  for (const match of text.matchAll(MASK_MARKER)) {
    const rule = match[1] ?? 'unknown';
    into[rule] = (into[rule] ?? 0) + 1;
    n++;
  }
  return n;
}
