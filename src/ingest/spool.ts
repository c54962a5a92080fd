import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { FileSink, readLines } from './lines.js';
import { type Attempt, TranscriptParser } from './parser.js';

export interface SpooledAttempt extends Attempt {
  /** Which transcript it came from, in ingest order. */
  transcript: number;
  outputPath: string;
  outputSha256: string;
  masked: number;
}

export interface SpooledTranscript {
  index: number;
  name: string;
  attempts: SpooledAttempt[];
  otherPath: string;
  otherLines: number;
  otherBackticks: number;
  lines: number;
  masked: number;
}

const maskPattern = /\[REDACTED:[a-z-]+\]/g;

/**
 * Second pass: splits a cleaned transcript into one file per attempt and one for the text
 * outside every block, so the runbook can be assembled in order without holding output.
 */
export async function spoolTranscript(
  path: string,
  name: string,
  index: number,
  workDir: string,
  bundleId: string,
): Promise<SpooledTranscript> {
  const parser = new TranscriptParser();
  const sinks = new Map<
    number,
    { sink: FileSink; hash: ReturnType<typeof createHash>; masked: number }
  >();
  const attempts: SpooledAttempt[] = [];
  const other = new FileSink(join(workDir, `t${index}-other.txt`));
  let otherLines = 0;
  let otherBackticks = 0;
  let masked = 0;
  const toOther = (text: string) => {
    other.line(text);
    otherLines++;
    for (const run of text.match(/`+/g) ?? [])
      otherBackticks = Math.max(otherBackticks, run.length);
  };
  const countMasks = (text: string) =>
    text.includes('[REDACTED:') ? (text.match(maskPattern)?.length ?? 0) : 0;
  try {
    for await (const line of readLines(createReadStream(path))) {
      parser.push(line, (event) => {
        if (event.type === 'other') {
          masked += countMasks(event.text);
          toOther(event.text);
          return;
        }
        const { attempt } = event;
        if (attempt.bundleId !== bundleId) {
          if (event.type === 'output') toOther(event.text);
          return;
        }
        let entry = sinks.get(attempt.seq);
        if (!entry) {
          entry = {
            sink: new FileSink(join(workDir, `t${index}-a${attempt.seq}.txt`)),
            hash: createHash('sha256'),
            masked: 0,
          };
          sinks.set(attempt.seq, entry);
        }
        if (event.type === 'output') {
          const n = countMasks(event.text);
          entry.masked += n;
          masked += n;
          entry.sink.line(event.text);
          entry.hash.update(event.text).update('\n');
          return;
        }
        entry.sink.close();
        attempts.push({
          ...attempt,
          transcript: index,
          outputPath: entry.sink.path,
          outputSha256: entry.hash.digest('hex'),
          masked: entry.masked,
        });
      });
    }
    parser.finish((event) => {
      if (event.type !== 'closed' || event.attempt.bundleId !== bundleId) return;
      const entry = sinks.get(event.attempt.seq);
      entry?.sink.close();
      attempts.push({
        ...event.attempt,
        transcript: index,
        outputPath: entry?.sink.path ?? '',
        outputSha256: entry?.hash.digest('hex') ?? '',
        masked: entry?.masked ?? 0,
      });
    });
  } finally {
    other.close();
  }
  // Attempts for which no output line arrived still need an (empty) file.
  for (const attempt of attempts) {
    if (!attempt.outputPath) {
      const sink = new FileSink(join(workDir, `t${index}-a${attempt.seq}.txt`));
      sink.close();
      attempt.outputPath = sink.path;
      attempt.outputSha256 = createHash('sha256').digest('hex');
    }
  }
  return {
    index,
    name,
    attempts,
    otherPath: other.path,
    otherLines,
    otherBackticks,
    lines: parser.lines,
    masked,
  };
}
