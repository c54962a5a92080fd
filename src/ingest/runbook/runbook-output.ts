import { closeSync, openSync, readSync } from 'node:fs';
import type { SpooledAttempt } from '../parse/spool.js';
import type { FileSink } from '../read/lines.js';
import { fence, iso } from './runbook-notes.js';

// One output quoted in the runbook, cut at a cap, and the section of one attempt around it:
// its command, its status line, its output.

function duration(a: SpooledAttempt): string {
  return a.endEpoch === undefined ? 'no end marker' : `${Math.max(0, a.endEpoch - a.beginEpoch)} s`;
}

/**
 * Bytes of one output (or of the text outside the blocks) quoted in the runbook. The rest
 * stays in the kept transcript: a 250 MB output would make a runbook no git host takes.
 */
export const RUNBOOK_OUTPUT_CAP = 4 * 1024 * 1024;

/** Copies [start, end) of path, up to the cap and cut at a line end; bytes left out. */
export function copyCapped(sink: FileSink, path: string, start: number, end: number): number {
  if (end - start <= RUNBOOK_OUTPUT_CAP) {
    sink.copyFrom(path, start, end);
    return 0;
  }
  const limit = start + RUNBOOK_OUTPUT_CAP;
  const window = Buffer.alloc(Math.min(65536, RUNBOOK_OUTPUT_CAP));
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, window, 0, window.length, limit - window.length);
  } finally {
    closeSync(fd);
  }
  const newline = window.subarray(0, read).lastIndexOf(0x0a);
  const cut = newline < 0 ? limit : limit - window.length + newline + 1;
  sink.copyFrom(path, start, cut);
  if (newline < 0) sink.line('');
  return end - cut;
}

export function leftOut(sink: FileSink, bytes: number, kept: string | undefined): void {
  if (!bytes) return;
  sink.line(
    `${bytes} more bytes are left out here; the complete output is in \`${kept ?? 'the kept transcript'}\`${kept?.endsWith('.gz') ? ' (gzip)' : ''}.`,
  );
  sink.line('');
}

export function writeAttempt(
  sink: FileSink,
  a: SpooledAttempt,
  command: string | undefined,
  heading: string,
  outputHeading: string,
  kept?: string,
): void {
  sink.line(heading);
  sink.line('');
  if (command) {
    const f = fence(Math.max(...(command.match(/`+/g) ?? ['']).map((r) => r.length)));
    sink.line(`${f}bash`);
    sink.line(command);
    sink.line(f);
    sink.line('');
  }
  const status = !a.complete ? 'incomplete' : a.skipped ? 'skipped' : `exit code ${a.rc}`;
  sink.line(
    `${status} · ${a.utc ?? iso(a.beginEpoch)} · ${duration(a)}${a.host ? ` · ${a.host}` : ''}${a.masked ? ` · ${a.masked} value(s) masked` : ''}`,
  );
  sink.line('');
  sink.line(outputHeading);
  sink.line('');
  const f = fence(a.longestBackticks);
  sink.line(`${f}text`);
  const omitted = copyCapped(sink, a.outputPath, a.outputStart, a.outputEnd);
  sink.line(f);
  sink.line('');
  leftOut(sink, omitted, kept);
}
