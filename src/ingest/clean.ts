import { parseMarker } from '../model/markers.js';
import { FileSink } from './lines.js';
import { Redactor } from './redact.js';
import { cleanTerminalText } from './terminal.js';
import { readTextChunks } from './text-chunks.js';
import { HardWrapJoiner } from './wrap.js';

export interface CleanResult {
  path: string;
  sha256: string;
  lines: number;
  bundleIds: string[];
  firstEpoch: number | undefined;
  masked: number;
  maskedByRule: Record<string, number>;
  /** The copy was hard-wrapped at this width and lines of exactly that width were joined. */
  wrapWidth: number | undefined;
}

const MARKER_TEXT = '@@airgap/';

/**
 * First pass over a paste: terminal noise removed and secrets masked, written to `path`.
 * This cleaned text is what the repo keeps and what the runbook is rendered from.
 * Works on chunks of whole lines (a regex pass per chunk, lines with nothing to mask written
 * together); only the lines that need it are handled one by one. Each line comes out as
 * cleanTerminalLine, the wrap joiner and the Redactor would leave it line by line.
 */
export async function cleanTranscript(
  source: AsyncIterable<Buffer | string>,
  path: string,
  redact: boolean,
): Promise<CleanResult> {
  // The sink hashes what it writes: hashing line by line costs more than cleaning.
  const sink = new FileSink(path);
  sink.beginHash();
  const redactor = new Redactor(redact);
  const bundleIds = new Set<string>();
  let firstEpoch: number | undefined;
  let lines = 0;
  let sha256 = '';
  // Wrapped lines are joined before secrets are looked for: a key cut in two would not match.
  const accept = (line: string) => redactor.push(line, emit);
  const joiner = new HardWrapJoiner(accept);
  try {
    for await (const chunk of readTextChunks(source)) {
      // A last line without a newline is cleaned as any other line.
      const text = cleanTerminalText(chunk.endsWith('\n') ? chunk : `${chunk}\n`);
      if (joiner.passingThrough) {
        redactor.pushText(text, emit, emitBlock);
        continue;
      }
      const cleaned = text.split('\n');
      cleaned.pop();
      for (const line of cleaned) {
        if (joiner.passingThrough) accept(line);
        else joiner.push(line);
      }
    }
    joiner.finish();
    redactor.end(emit);
    sha256 = sink.endHash();
  } finally {
    sink.close();
  }
  return {
    path,
    sha256,
    lines,
    bundleIds: [...bundleIds].sort(),
    firstEpoch,
    masked: redactor.total,
    maskedByRule: Object.fromEntries(redactor.counts),
    wrapWidth: joiner.uncertainJoins > 0 ? joiner.detected : undefined,
  };

  function marker(line: string): void {
    const found = parseMarker(line);
    if (found) {
      if (!bundleIds.has(found.bundleId)) bundleIds.add(Buffer.from(found.bundleId).toString());
      firstEpoch ??= found.epoch;
    }
  }

  function emit(clean: string): void {
    if (clean.includes(MARKER_TEXT)) marker(clean);
    sink.line(clean);
    lines++;
  }

  /** Whole lines, each ending in `\n`, written as they are. */
  function emitBlock(block: string): void {
    for (let at = block.indexOf(MARKER_TEXT); at >= 0; at = block.indexOf(MARKER_TEXT, at)) {
      const start = block.lastIndexOf('\n', at) + 1;
      const end = block.indexOf('\n', at);
      marker(block.slice(start, end));
      at = end;
    }
    for (let at = block.indexOf('\n'); at >= 0; at = block.indexOf('\n', at + 1)) lines++;
    sink.write(block);
  }
}
