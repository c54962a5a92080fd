import { AirgapError } from '../../errors.js';

/**
 * Session Manager's streamed session logs: JSON events (the SSM agent's CloudWatchMessage:
 * eventVersion, eventTime, awsRegion, target, userIdentity, runAsUser, sessionId) whose
 * `sessionData` holds the terminal text as an array of lines (the agent split it on `\n`,
 * dropped every `\r` and turned tabs into spaces). They reach S3 one per line, pretty-printed,
 * in a JSON array, behind a CloudWatch export's timestamp, or inside a Firehose subscription
 * record (`logEvents[].message`): every form is a sequence of JSON objects, so the reader
 * scans for top-level objects and ignores what lies between them.
 */

/** True when the start of a file is a streamed session log rather than terminal text. */
export function looksLikeSessionEvents(head: string): boolean {
  return /^\s*(?:\[\s*)?(?:\d{4}-\d\d-\d\dT[\d:.]+Z?\s+)?\{\s*"(?:eventVersion|eventTime|sessionId|sessionData|messageType|logEvents)"/.test(
    head,
  );
}

/** The terminal text of the events, in their order, each line ended by `\n`. */
export async function* sessionEventsText(
  source: AsyncIterable<Buffer | string>,
  name: string,
): AsyncGenerator<string> {
  const scanner = new ObjectScanner();
  let events = 0;
  let objects = 0;
  const take = (objectBytes: Buffer): string[] => {
    objects++;
    let value: unknown;
    try {
      // Invalid UTF-8 becomes U+FFFD, as in a terminal copy: the event is kept.
      value = JSON.parse(objectBytes.toString('utf8'));
    } catch {
      throw notSessionLog(name, `object ${objects} is not valid JSON`);
    }
    const texts = eventTexts(value);
    events += texts.length;
    return texts;
  };
  for await (const chunk of source) {
    const out = scanner.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk).flatMap(take);
    if (out.length) yield out.join('');
  }
  if (scanner.open) throw notSessionLog(name, 'it ends inside a JSON object (cut short?)');
  if (!events) {
    throw notSessionLog(
      name,
      objects ? `none of its ${objects} JSON object(s) has sessionData` : 'no JSON events',
    );
  }
}

function notSessionLog(name: string, why: string): AirgapError {
  return new AirgapError(`${name} is not a Session Manager session log: ${why}`, {
    hint: 'pass the log object Session Manager wrote (raw, or streamed JSON events with sessionData), unedited',
    code: 'transcript',
  });
}

/** An event's lines; a Firehose record's events; nothing for any other object. */
function eventTexts(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  const event = value as { sessionData?: unknown; logEvents?: unknown };
  if (Array.isArray(event.sessionData)) {
    const lines = event.sessionData.filter((l): l is string => typeof l === 'string');
    return lines.length ? [`${lines.join('\n')}\n`] : [];
  }
  if (Array.isArray(event.logEvents)) {
    return event.logEvents.flatMap((e: unknown) => {
      const message = (e as { message?: unknown } | null)?.message;
      if (typeof message !== 'string') return [];
      try {
        return eventTexts(JSON.parse(message));
      } catch {
        return [];
      }
    });
  }
  return [];
}

/**
 * Finds top-level JSON objects in bytes that arrive in pieces: depth and string state carry
 * over from one piece to the next, so where a piece is cut never matters. It reads bytes, not
 * text: JSON's structural characters are ASCII, and no byte of a multi-byte UTF-8 character
 * is, so only the objects found are decoded. Objects directly inside a top-level array count
 * as top-level (a JSON array of events).
 */
export class ObjectScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The depth at which the object being collected started (0, or 1 inside an array). */
  private base = -1;
  private held: Buffer[] = [];
  private arrayAtTop = false;

  get open(): boolean {
    return this.base >= 0;
  }

  push(bytes: Buffer): Buffer[] {
    const found: Buffer[] = [];
    let from = this.base >= 0 ? 0 : -1;
    const length = bytes.length;
    // The next quote and backslash at or after i, each searched again only once passed.
    let quote = -1;
    let slash = -1;
    for (let i = 0; i < length; i++) {
      if (this.inString) {
        // Most bytes of a log are inside strings: jump to the next quote or backslash.
        if (this.escaped) {
          this.escaped = false;
          continue;
        }
        if (quote !== -2 && quote < i) quote = bytes.indexOf(34, i);
        if (quote === -1) quote = -2;
        if (slash !== -2 && slash < i) slash = bytes.indexOf(92, i);
        if (slash === -1) slash = -2;
        // -2: none left in this piece.
        if (slash >= 0 && (quote < 0 || slash < quote)) {
          this.escaped = true;
          i = slash;
        } else if (quote >= 0) {
          this.inString = false;
          i = quote;
        } else i = length;
        continue;
      }
      const c = bytes[i] as number;
      if (c === 34 /* " */) {
        // A string outside any object (a CloudWatch export's text) is not tracked.
        if (this.depth > 0) this.inString = true;
      } else if (c === 123 /* { */ || c === 91 /* [ */) {
        if (
          this.base < 0 &&
          c === 123 &&
          (this.depth === 0 || (this.depth === 1 && this.arrayAtTop))
        ) {
          this.base = this.depth;
          from = i;
        }
        if (this.depth === 0) this.arrayAtTop = c === 91;
        this.depth++;
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        if (this.depth > 0) this.depth--;
        if (this.base >= 0 && this.depth === this.base && c === 125) {
          this.held.push(bytes.subarray(from, i + 1));
          found.push(this.held.length === 1 ? (this.held[0] as Buffer) : Buffer.concat(this.held));
          this.held = [];
          this.base = -1;
          from = -1;
        }
      }
    }
    if (this.base >= 0) this.held.push(bytes.subarray(Math.max(from, 0)));
    return found;
  }
}
