import { parseMarker } from '../model/markers.js';
import { FileSink, readLineBatches } from './lines.js';
import { Redactor } from './redact.js';
import { cleanTerminalLine } from './terminal.js';
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

/**
 * First pass over a paste: terminal noise removed and secrets masked, written to `path`.
 * This cleaned text is what the repo keeps and what the runbook is rendered from.
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
    for await (const batch of readLineBatches(source)) {
      if (joiner.passingThrough) for (const raw of batch) accept(cleanTerminalLine(raw));
      else for (const raw of batch) joiner.push(cleanTerminalLine(raw));
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

  function emit(clean: string): void {
    if (clean.includes('@@airgap/')) {
      const marker = parseMarker(clean);
      if (marker) {
        if (!bundleIds.has(marker.bundleId)) bundleIds.add(Buffer.from(marker.bundleId).toString());
        firstEpoch ??= marker.epoch;
      }
    }
    sink.line(clean);
    lines++;
  }
}
