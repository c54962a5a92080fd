/**
 * The stateful rules: what makes a line secret is a line before it. PEM private key blocks,
 * the `data`/`stringData` maps of Kubernetes Secrets (YAML and JSON, `List` items included),
 * and the output of commands that print a decoded secret on its own line.
 */
import type { Span } from './rule.js';

// The key types by name, not gitleaks' `[ A-Z0-9_-]{0,100}`: a bounded run followed by a
// literal backtracks through the run at each start, which a line of `-----END X` made slow.
const PEM_TYPE =
  '(?:(?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP|SSH2 ENCRYPTED|ANY) )?PRIVATE KEY(?: BLOCK)?';
const PEM_BEGIN = new RegExp(`-----BEGIN ${PEM_TYPE}-----`, 'g');
const PEM_END = new RegExp(`-----END ${PEM_TYPE}-----`, 'g');
const YAML_MAP_OPENER = /^(\s*)(- )?(data|stringData):\s*$/;
const YAML_CHILD = /^(\s*)(?:- )?([\w.-]{1,256}):[ \t]*/;
const JSON_MAP_OPENER = /^\s*"(data|stringData)":\s*\{\s*$/;
const JSON_CHILD = /^\s*"[^"\n]{1,256}":\s*"([^"\n]*)"/d;
const INLINE_MAP = /\\?"(data|stringData)\\?"[ \t]{0,5}:[ \t]{0,5}\{([^{}]{0,65536})\}/dg;
const INLINE_ENTRY = /\\?"[^"\\\n]{1,256}\\?"[ \t]{0,5}:[ \t]{0,5}\\?"([^"\\\n]{1,65536})\\?"/dg;
const PROMPT = /^(?:\[[^\]\n]{0,200}\] ?|[^\s$#]{1,200})[$#] |^\$ /;

/** What a Secret's `data` holds: base64 with at least one character a plain word lacks. */
export function looksBase64(value: string): boolean {
  return (
    value.length >= 4 &&
    value.length % 4 === 0 &&
    /^[A-Za-z0-9+/]+={0,2}$/.test(value) &&
    (value.length >= 16 || /[A-Z0-9+/=]/.test(value))
  );
}

/** Commands whose output is a secret in clear text, and the rule that names it. */
function secretOutputRule(command: string): string | undefined {
  const lower = command.toLowerCase();
  if (lower.includes('secret') && /base64 +(?:-d|--decode|-D)\b|jsonpath|go-template/.test(lower))
    return 'kubernetes-secret-decoded';
  if (lower.includes('get-login-password') && !lower.includes('|')) return 'ecr-login-password';
  if (lower.includes('get-secret-value') && /--output[ =]text|--query/.test(lower))
    return 'aws-secretsmanager-secret';
  return undefined;
}

interface OpenMap {
  indent: number;
  data: boolean;
  json: boolean;
  /** Indent of a `key: |` block scalar under stringData, whose lines are all secret. */
  block?: number;
}

export class SecretContext {
  private inPem = false;
  private map: OpenMap | undefined;
  private output: { rule: string; lines: number } | undefined;

  /** Nothing open: a line with no trigger (see line-filter.ts) gets no span and changes nothing. */
  get idle(): boolean {
    return !this.inPem && this.map === undefined && this.output === undefined;
  }

  /**
   * Spans this line owes to what came before it. `whole` is true when the entire line is
   * masked, so the other rules need not look at it. `text` is the line up to any airgap marker.
   */
  scan(text: string, hasMarker: boolean): { spans: Span[]; whole: boolean } {
    const spans: Span[] = [];
    let from = 0;
    if (this.inPem) {
      PEM_END.lastIndex = 0;
      const end = PEM_END.exec(text);
      if (!end) return this.whole(text, 'private-key', true);
      this.inPem = false;
      from = end.index + end[0].length;
      spans.push({ start: 0, end: from, rule: 'private-key', continued: true });
    }
    if (text.includes('-----BEGIN')) this.pem(text, from, spans);
    if (this.inPem) return { spans, whole: false };
    if (this.commandOutput(text, hasMarker, spans)) return { spans, whole: spans.length > 0 };
    this.secretMap(text, spans);
    if (text.includes('ata')) inlineSecretData(text, spans);
    return { spans, whole: false };
  }

  private whole(text: string, rule: string, continued: boolean) {
    return {
      spans: text.trim() === '' ? [] : [{ start: 0, end: text.length, rule, continued }],
      whole: true,
    };
  }

  private pem(text: string, from: number, spans: Span[]): void {
    PEM_BEGIN.lastIndex = from;
    for (let begin = PEM_BEGIN.exec(text); begin; begin = PEM_BEGIN.exec(text)) {
      PEM_END.lastIndex = begin.index + begin[0].length;
      const end = PEM_END.exec(text);
      if (!end) {
        spans.push({ start: begin.index, end: text.length, rule: 'private-key' });
        this.inPem = true;
        return;
      }
      // BEGIN and END with nothing between them hold no key (a template, a parser's test).
      if (end.index > begin.index + begin[0].length)
        spans.push({ start: begin.index, end: end.index + end[0].length, rule: 'private-key' });
      PEM_BEGIN.lastIndex = end.index + end[0].length;
    }
  }

  /** Returns true when the line belongs to a command's output context (or starts one). */
  private commandOutput(text: string, hasMarker: boolean, spans: Span[]): boolean {
    const prompt = PROMPT.exec(text);
    if (prompt) {
      const rule = secretOutputRule(text.slice(prompt[0].length));
      this.output = rule ? { rule, lines: 0 } : undefined;
      return false;
    }
    if (!this.output) return false;
    if (hasMarker || ++this.output.lines > 200) {
      // Output without a final newline ends up before the end marker, on the marker's line.
      if (hasMarker && text.trim() !== '')
        spans.push({ start: 0, end: text.length, rule: this.output.rule });
      this.output = undefined;
      return true;
    }
    if (text.trim() !== '') spans.push({ start: 0, end: text.length, rule: this.output.rule });
    return true;
  }

  private secretMap(text: string, spans: Span[]): void {
    const map = this.map;
    if (map) {
      if (map.json) {
        if (text.trimStart().startsWith('}')) this.map = undefined;
        else {
          const child = JSON_CHILD.exec(text);
          const range = child?.indices?.[1];
          if (child && range && this.secretValue(child[1] ?? '', map))
            spans.push({ start: range[0], end: range[1], rule: 'kubernetes-secret-data' });
        }
        return;
      }
      if (text.trim() === '') return;
      const indent = text.length - text.trimStart().length;
      if (map.block !== undefined) {
        if (indent > map.block) {
          spans.push({ start: indent, end: text.length, rule: 'kubernetes-secret-data' });
          return;
        }
        map.block = undefined;
      }
      if (indent > map.indent) {
        const child = YAML_CHILD.exec(text);
        if (child) {
          const start = child[0].length;
          const value = text.slice(start).trim();
          if (!map.data && /^[|>][-+]?$/.test(value)) map.block = indent;
          else if (this.secretValue(unquote(value), map))
            spans.push({ start, end: text.trimEnd().length, rule: 'kubernetes-secret-data' });
        }
        return;
      }
      this.map = undefined;
    }
    if (!text.includes('ata')) return;
    const yaml = YAML_MAP_OPENER.exec(text);
    if (yaml) {
      const indent = (yaml[1]?.length ?? 0) + (yaml[2] ? 2 : 0);
      this.map = { indent, data: yaml[3] === 'data', json: false };
      return;
    }
    const json = JSON_MAP_OPENER.exec(text);
    if (json) this.map = { indent: 0, data: json[1] === 'data', json: true };
  }

  private secretValue(value: string, map: OpenMap): boolean {
    return map.data ? looksBase64(value) : value !== '';
  }
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** `"data":{"k":"v"}` on one line: last-applied-configuration, `jq -c`, JSON Lists. */
function inlineSecretData(text: string, spans: Span[]): void {
  INLINE_MAP.lastIndex = 0;
  for (const map of text.matchAll(INLINE_MAP)) {
    const body = map.indices?.[2];
    if (!body) continue;
    const data = map[1] === 'data';
    INLINE_ENTRY.lastIndex = 0;
    for (const entry of (map[2] ?? '').matchAll(INLINE_ENTRY)) {
      const range = entry.indices?.[1];
      const value = entry[1] ?? '';
      if (range && (data ? looksBase64(value) : value !== ''))
        spans.push({
          start: body[0] + range[0],
          end: body[0] + range[1],
          rule: 'kubernetes-secret-data',
        });
    }
  }
}
