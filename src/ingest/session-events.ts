import { AirgapError } from '../errors.js';

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
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const scanner = new ObjectScanner();
  let events = 0;
  let objects = 0;
  const take = (objectText: string): string[] => {
    objects++;
    let value: unknown;
    try {
      value = JSON.parse(objectText);
    } catch {
      throw notSessionLog(name, `object ${objects} is not valid JSON`);
    }
    const texts = eventTexts(value);
    events += texts.length;
    return texts;
  };
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const out = scanner.push(text).flatMap(take);
    if (out.length) yield out.join('');
  }
  const out = scanner.push(decoder.decode()).flatMap(take);
  if (out.length) yield out.join('');
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
 * Finds top-level JSON objects in a text that arrives in pieces: depth and string state carry
 * over from one piece to the next, so where a piece is cut never matters. Objects directly
 * inside a top-level array count as top-level (a JSON array of events).
 */
export class ObjectScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The depth at which the object being collected started (0, or 1 inside an array). */
  private base = -1;
  private held = '';
  private arrayAtTop = false;

  get open(): boolean {
    return this.base >= 0;
  }

  push(text: string): string[] {
    const found: string[] = [];
    let from = this.base >= 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92 /* \ */) this.escaped = true;
        else if (c === 34 /* " */) this.inString = false;
        continue;
      }
      if (c === 34) {
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
          found.push(this.held + text.slice(from, i + 1));
          this.held = '';
          this.base = -1;
          from = -1;
        }
      }
    }
    if (this.base >= 0) this.held += text.slice(Math.max(from, 0));
    return found;
  }
}
