import { parseMarker } from '../model/markers.js';
import { FileSink, readLineBatches } from './lines.js';
import { Redactor } from './redact.js';
import { cleanTerminalLine } from './terminal.js';

export interface CleanResult {
  path: string;
  sha256: string;
  lines: number;
  bundleIds: string[];
  firstEpoch: number | undefined;
  masked: number;
  maskedByRule: Record<string, number>;
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
  try {
    for await (const batch of readLineBatches(source)) {
      for (const raw of batch) redactor.push(cleanTerminalLine(raw), emit);
    }
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
