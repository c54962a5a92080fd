/**
 * The shared engine's provider rules in bundle (GitHub, Slack, Stripe… tokens), each run only
 * on the lines that hold one of its keywords.
 */
import {
  isPlaceholder,
  keywordSearch,
  LineFilter,
  type RegexRule,
  rules,
  rulesByKeyword,
} from '../secrets/index.js';
import type { CredentialFinding } from './credential-finding.js';
import { flaggedForNoise } from './keyword-pass.js';

export interface ProviderRule {
  rule: RegexRule;
  /** Its place in the shared engine's list: on overlapping matches the earlier rule wins. */
  priority: number;
  pattern: RegExp;
}

export const providerRules: ProviderRule[] = rules.flatMap((rule, priority) =>
  rule.source !== 'airgap' || rule.bundle
    ? [
        {
          rule,
          priority,
          pattern: new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('d', '')}d`),
        },
      ]
    : [],
);
let byKeyword: { rules: Map<string, ProviderRule[]>; search: RegExp } | undefined;

/**
 * The provider rules by keyword, and one RegExp for all their keywords: built on the first
 * flagged line, not when the module loads (every bundle loads it, for the rules' fingerprint,
 * and most files flag no line).
 */
function providersByKeyword(): { rules: Map<string, ProviderRule[]>; search: RegExp } {
  if (!byKeyword) {
    const rules = rulesByKeyword(providerRules);
    byKeyword = { rules, search: keywordSearch(rules.keys()) };
  }
  return byKeyword;
}

let providerFilter: LineFilter | undefined;

/**
 * The lines (0-based) holding a provider keyword, each with the rules its keywords name. The
 * shared engine's automaton (LineFilter, over the rules' spelled-out `filterKeywords`) picks
 * the lines first: the keyword RegExp alone holds Discord's `m`, `n` and `o`, so it stopped on
 * nearly every line of a manifest and cost twice the YAML parse. Only a flagged line gets the
 * RegExp, which names its rules as before; a line the automaton passes holds no keyword of a
 * rule that could match it (the filter may flag needlessly, never miss: line-filter.ts).
 */
function keywordLines(text: string, flagged?: readonly number[]): Map<number, Set<ProviderRule>> {
  // Given the pass's lines, the 1.2 MB table is loaded only if a flagged line needs it: most
  // files have none.
  const found = new Map<number, Set<ProviderRule>>();
  let line = 0;
  let counted = 0;
  for (const start of flagged ?? providerLineFilter().flagged(text).starts) {
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < start; ) {
      line++;
      nl = text.indexOf('\n', nl + 1);
    }
    counted = start;
    const end = text.indexOf('\n', start);
    const raw = text.slice(start, end < 0 ? text.length : end);
    // A line the pass flagged for a manifest rule only is one this filter would have passed.
    if (flagged && !providerLineFilter().hits(raw) && !flaggedForNoise(raw)) continue;
    const lower = raw.toLowerCase();
    const { rules: named, search } = providersByKeyword();
    search.lastIndex = 0;
    let set: Set<ProviderRule> | undefined;
    for (const hit of lower.matchAll(search)) {
      set ??= new Set<ProviderRule>();
      for (const p of named.get(hit[0]) ?? []) set.add(p);
    }
    if (set) found.set(line, set);
  }
  return found;
}

function providerLineFilter(): LineFilter {
  providerFilter ??= new LineFilter(
    providerRules.flatMap((p) => p.rule.filterKeywords ?? p.rule.keywords),
    [],
  );
  return providerFilter;
}

/**
 * The shared engine's provider rules (GitHub, Slack, Stripe… tokens), run only on the lines that
 * hold one of their keywords: one search over the whole file instead of a scan of every line,
 * which made the shared engine most of a fresh bundle's time. Overlaps resolve as the engine
 * resolves them; one finding per rule, at its first line. `flagged`: as for runRules.
 */
export function providerFindings(text: string, flagged?: readonly number[]): CredentialFinding[] {
  const candidates = keywordLines(text, flagged);
  if (candidates.size === 0) return [];
  const lines = text.split('\n');
  const findings: CredentialFinding[] = [];
  const seen = new Set<string>();
  for (const [index, set] of candidates) {
    const line = lines[index] ?? '';
    const spans: Array<{ start: number; end: number; priority: number; id: string; what: string }> =
      [];
    for (const { rule, priority, pattern } of set) {
      pattern.lastIndex = 0;
      for (const match of line.matchAll(pattern)) {
        // Group 1 or the first group that took part is the secret, else the whole match.
        const group = Math.max(
          0,
          match.findIndex((value, i) => i > 0 && value !== undefined),
        );
        const range = match.indices?.[group];
        const value = match[group];
        const check = rule.bundleValidate ?? rule.validate;
        if (!range || value === undefined || (check && !check(value, match))) continue;
        if (isPlaceholder(value, rule.source !== 'airgap')) continue;
        spans.push({
          start: range[0],
          end: range[1],
          priority,
          id: rule.id,
          what: rule.what ?? `a ${rule.id} credential`,
        });
      }
    }
    spans.sort((a, b) => a.start - b.start || a.priority - b.priority || b.end - a.end);
    let reached = 0;
    for (const span of spans) {
      if (span.start < reached || span.end <= span.start) continue;
      reached = span.end;
      if (seen.has(span.id)) continue;
      seen.add(span.id);
      findings.push({ rule: span.id, line: index + 1, what: span.what });
    }
  }
  return findings;
}
