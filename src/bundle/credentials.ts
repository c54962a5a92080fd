import { createHash } from 'node:crypto';
import {
  isPlaceholder,
  keywordSearch,
  LineFilter,
  PLACEHOLDER_PATTERNS,
  type RegexRule,
  rules,
  rulesByKeyword,
} from '../secrets/index.js';
import { type Base64Run, base64Runs, MIN_BASE64_RUN, mayDecodeToText } from './base64-runs.js';
import { manifestRules, matchedValue } from './credential-rules.js';
import { flaggedForNoise, KeywordPass, type TextPass } from './keyword-pass.js';

export { base64Runs, isBase64Char, MIN_BASE64_RUN, mayDecodeToText } from './base64-runs.js';

/**
 * Bundle-time credential detection in shipped text: the manifest rules of credential-rules.ts
 * (env values, password keys, .dockerconfigjson), base64-hidden keys, and the rules of the
 * shared engine in src/secrets that ingest's redaction uses, in the same shape: every provider
 * and issuer token (GitHub, Slack, Discord, Stripe, Vault… in a ConfigMap or an env value) and
 * the domain rules marked `bundle` (URLs with passwords, URL-encoded too; registry logins).
 * The engine's broad transcript rules (any `data:` value, any `*_key:`) stay out: in manifests
 * they would refuse ConfigMaps.
 */
export interface CredentialFinding {
  /** Stable rule id, e.g. aws-access-key-id. */
  rule: string;
  /** 1-based line of the finding. */
  line: number;
  /** What was found, for the message: "holds <what>". */
  what: string;
}

export interface CredentialDetector {
  findSecrets(text: string): CredentialFinding[];
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

let manifestFilter: LineFilter | undefined;

/**
 * The lines of `text` holding a keyword of a manifest rule, lower-cased and joined: a rule none
 * of whose keywords they hold cannot match. One automaton pass (LineFilter: it may flag a line
 * needlessly, never miss one) instead of some twenty `includes` over the whole text, which cost
 * more than parsing a file of ConfigMaps that holds none of them.
 */
function keywordText(text: string, flagged?: readonly number[]): string {
  // Lines flagged for another rule set's keywords as well (KeywordPass) hold none of these: the
  // includes() below finds nothing more in them.
  const starts = flagged ?? manifestLineFilter().flagged(text).starts;
  if (!starts.length) return '';
  return starts
    .map((start) => {
      const end = text.indexOf('\n', start);
      return text.slice(start, end < 0 ? text.length : end);
    })
    .join('\n')
    .toLowerCase();
}

function manifestLineFilter(): LineFilter {
  manifestFilter ??= new LineFilter(
    manifestRules.flatMap((r) => r.keywords),
    [],
  );
  return manifestFilter;
}

/**
 * The manifest rules over `text`, one finding per rule (exported for its differential test).
 * `flagged`: the start of every line holding one of their keywords, when a pass found them.
 */
export function runRules(text: string, flagged?: readonly number[]): CredentialFinding[] {
  const findings: CredentialFinding[] = [];
  const lower = keywordText(text, flagged);
  if (!lower) return findings;
  for (const rule of manifestRules) {
    if (!rule.keywords.some((literal) => lower.includes(literal))) continue;
    const pattern = new RegExp(rule.pattern.source, rule.pattern.flags);
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      if (!rule.validate || rule.validate(matchedValue(match), match)) {
        findings.push({ rule: rule.id, line: lineAt(text, match.index), what: rule.what ?? '' });
        break; // one finding per rule and file is enough to refuse it
      }
    }
  }
  return findings;
}

function decodedText(run: string): string | undefined {
  if (!mayDecodeToText(run, 0, run.length)) return undefined;
  const bytes = Buffer.from(run, 'base64');
  if (bytes.length < 16) return undefined;
  let printable = 0;
  for (const byte of bytes)
    if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127)) printable++;
  return printable / bytes.length > 0.95 ? bytes.toString('latin1') : undefined;
}

/**
 * The rules over the text, then over every base64 run in it (and the whole file, if it is one).
 * `pass`: the file's keyword lines and base64 runs, when KeywordPass found them in one go.
 */
function builtinFindings(text: string, pass?: TextPass): CredentialFinding[] {
  const findings = runRules(text, pass?.starts);
  const seen = new Set(findings.map((f) => f.rule));
  const candidates: Base64Run[] = [];
  // A whole file in base64 (wrapped lines) is one candidate; the test fails at the first ':'.
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) {
    const compact = text.replace(/\s+/g, '');
    if (compact.length >= MIN_BASE64_RUN) candidates.push({ run: compact, index: 0 });
  }
  candidates.push(...(pass?.runs ?? base64Runs(text)));
  for (const { run, index } of candidates) {
    const decoded = decodedText(run);
    if (!decoded) continue;
    for (const finding of [...runRules(decoded), ...providerFindings(decoded)]) {
      if (seen.has(`base64:${finding.rule}`)) continue;
      seen.add(`base64:${finding.rule}`);
      findings.push({
        rule: `base64:${finding.rule}`,
        line: lineAt(text, index),
        what: `${finding.what}, base64-encoded`,
      });
    }
  }
  return findings;
}

export const builtinDetector: CredentialDetector = {
  findSecrets: (text) => builtinFindings(text),
};

interface ProviderRule {
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

const keywordPass = new KeywordPass(() => [
  ...manifestRules.flatMap((r) => r.keywords),
  ...providerRules.flatMap((p) => p.rule.filterKeywords ?? p.rule.keywords),
]);

/** Both rule sets' findings, one per rule; `pass` as for builtinFindings. */
function allFindings(text: string, pass?: TextPass): CredentialFinding[] {
  const findings = builtinFindings(text, pass);
  const seen = new Set(findings.map((f) => f.rule));
  for (const found of providerFindings(text, pass?.starts)) {
    if (seen.has(found.rule)) continue;
    seen.add(found.rule);
    findings.push(found);
  }
  return findings;
}

/**
 * The default: the rules above and the shared engine's provider rules, one finding per rule,
 * their keyword lines and the base64 runs found in one pass over the text (KeywordPass).
 */
export const credentialDetector: CredentialDetector = {
  findSecrets: (text) => allFindings(text, keywordPass.scan(text)),
};

/** The same findings, each part making its own pass: what the differential tests compare with. */
export const separatePassDetector: CredentialDetector = {
  findSecrets: (text) => allFindings(text),
};

/**
 * A digest of every rule bundle runs (shape, keywords, checks) and of the placeholder filter:
 * bundle's scan cache is keyed by it, so a verdict reached under other rules is never reused.
 */
export function rulesFingerprint(): string {
  const described = [...manifestRules, ...providerRules.map((p) => p.rule)].map((r) => [
    r.id,
    r.keywords,
    r.filterKeywords ?? [],
    r.pattern.source,
    r.pattern.flags,
    r.validate?.toString() ?? '',
    r.bundleValidate?.toString() ?? '',
    r.source,
    r.bundle ?? false,
  ]);
  const placeholders = PLACEHOLDER_PATTERNS.map((p) => `${p.source}/${p.flags}`);
  return createHash('sha256')
    .update(JSON.stringify([described, placeholders, MIN_BASE64_RUN]))
    .digest('hex')
    .slice(0, 16);
}
