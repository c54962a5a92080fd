import { MARKER_TAG } from '../model/markers.js';
import { SecretContext } from './context.js';
import { KnownValues } from './known-values.js';
import { LineFilter } from './line-filter.js';
import { isNeverMasked } from './never-mask.js';
import { isPlaceholder, keywordSearch, type RegexRule, rulesByKeyword, type Span } from './rule.js';
import { domainRules } from './rules-domain.js';
import { gitleaksRules } from './rules-gitleaks.js';
import { issuerRules } from './rules-issuers.js';

/** Every regex rule, the more specific first: on overlapping matches the earlier rule wins. */
export const rules: readonly RegexRule[] = [...gitleaksRules, ...issuerRules, ...domainRules];

interface Compiled {
  rule: RegexRule;
  priority: number;
  pattern: RegExp;
}

const compiled: Compiled[] = rules.map((rule, priority) => ({
  rule,
  priority,
  pattern: new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('d', '')}d`),
}));
const byKeyword = rulesByKeyword(compiled);
// One pass over the line finds every keyword: most lines hold none and cost nothing more.
const keywordPattern = keywordSearch(byKeyword.keys());
// Keywords are lower case: a case-sensitive search of the lower-cased line is twice as fast
// as a case-insensitive one.
const hasKeyword = (lower: string) => {
  keywordPattern.lastIndex = 0;
  return keywordPattern.test(lower);
};

/** Lines a scanner may skip, found over many lines at once (built on first use). */
let filter: LineFilter | undefined;
export function lineFilter(): LineFilter {
  filter ??= new LineFilter(rules.flatMap((r) => r.filterKeywords ?? r.keywords));
  return filter;
}

const CONTEXT_PRIORITY = -1;
const KNOWN_PRIORITY = rules.length;
const MARKER = MARKER_TAG;

interface Ranked extends Span {
  priority: number;
  /** Whether the never-masked guard applies (broad rules, context and known values). */
  guarded: boolean;
}

/** Terminals wrap at 40 columns or more: a shorter line ends where its writer ended it. */
export const MIN_WRAPPED_LENGTH = 40;

function regexSpans(text: string, lower: string, out: Ranked[]): void {
  if (!hasKeyword(lower)) return;
  const candidates = new Set<Compiled>();
  keywordPattern.lastIndex = 0;
  for (const hit of lower.matchAll(keywordPattern))
    for (const c of byKeyword.get(hit[0]) ?? []) candidates.add(c);
  for (const { rule, priority, pattern } of candidates) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      const indices = match.indices;
      if (!indices) continue;
      let group = 0;
      for (let i = 1; i < match.length; i++)
        if (indices[i]) {
          group = i;
          break;
        }
      const range = indices[group];
      const value = match[group];
      if (!range || value === undefined) continue;
      if (rule.validate && !rule.validate(value, match)) continue;
      if (isPlaceholder(value, rule.source !== 'airgap')) continue;
      out.push({
        start: range[0],
        end: range[1],
        rule: rule.id,
        priority,
        guarded: rule.source === 'airgap',
      });
    }
  }
}

/** Keeps the earliest span at each place; at the same start, the more specific rule. */
function resolve(text: string, spans: Ranked[]): Span[] {
  if (spans.length === 0) return [];
  spans.sort((a, b) => a.start - b.start || a.priority - b.priority || b.end - a.end);
  const kept: Span[] = [];
  let reached = 0;
  for (const { priority: _priority, guarded, ...span } of spans) {
    if (span.start < reached || span.end <= span.start) continue;
    if (guarded && !span.continued && isNeverMasked(text.slice(span.start, span.end))) continue;
    kept.push(span);
    reached = span.end;
  }
  return kept;
}

/**
 * Finds the secrets of one line at a time, remembering what it saw: open Secret maps and key
 * blocks, and every value found, to mask it again later in any encoding.
 */
export class SecretScanner {
  readonly known = new KnownValues();
  private readonly context = new SecretContext();

  /**
   * Nothing open (no PEM block, Secret map or secret command's output): a line the LineFilter
   * does not flag gets no span but a known value's, and changes nothing.
   */
  get idle(): boolean {
    return this.context.idle;
  }

  scan(line: string): Span[] {
    const marker = line.indexOf(MARKER);
    // airgap's own markers are never masked: only what precedes one on its line.
    const text = marker >= 0 ? line.slice(0, marker) : line;
    const context = this.context.scan(text, marker >= 0);
    const lower = text.toLowerCase();
    // The automaton first: the keyword RegExp holds one-letter keywords (Discord's) that the
    // automaton spells out, and it costs more per line.
    if (context.spans.length === 0 && this.known.size === 0 && !lineFilter().hits(text)) return [];
    const ranked: Ranked[] = context.spans.map((s) => ({
      ...s,
      priority: CONTEXT_PRIORITY,
      guarded: true,
    }));
    if (!context.whole && text !== '') {
      regexSpans(text, lower, ranked);
      for (const s of this.known.find(text))
        ranked.push({ ...s, priority: KNOWN_PRIORITY, guarded: true });
    }
    const spans = resolve(text, ranked);
    for (const s of spans)
      if (!s.continued) this.known.add(text.slice(s.start, s.end).trim(), s.rule);
    return spans;
  }

  /**
   * Spans to add when a known value is cut in two by a hard wrap: its head ends `previous`
   * (already scanned) and its tail starts `next`. Wrap repair runs before ingest masks, so this
   * is for what it could not join; a rule's match at a line end is not carried over on a guess.
   */
  wrapped(
    previous: string,
    previousSpans: readonly Span[],
    next: string,
    nextSpans: readonly Span[],
  ): { previous?: Span; next?: Span } {
    // A wrapped value goes on at the first column of the next line, with no space between.
    if (
      previous.length < MIN_WRAPPED_LENGTH ||
      next === '' ||
      /\s$|^\s/.test(previous.at(-1) ?? ' ')
    )
      return {};
    if (/\s/.test(next[0] ?? ' ')) return {};
    if (nextSpans.some((s) => s.start === 0)) return {};
    const split = this.known.splitAcross(previous, next);
    if (!split) return {};
    const headStart = previous.length - split.head;
    if (previousSpans.some((s) => s.end > headStart)) return {};
    return {
      previous: { start: headStart, end: previous.length, rule: split.rule },
      next: { start: 0, end: split.tail, rule: split.rule, continued: true },
    };
  }
}
