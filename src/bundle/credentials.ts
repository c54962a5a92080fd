import { createHash } from 'node:crypto';
import { LineFilter, PLACEHOLDER_PATTERNS } from '../secrets/index.js';
import { type Base64Run, base64Runs, MIN_BASE64_RUN, mayDecodeToText } from './base64-runs.js';
import type { CredentialDetector, CredentialFinding } from './credential-finding.js';
import { manifestRules, matchedValue } from './credential-rules.js';
import { KeywordPass, type TextPass } from './keyword-pass.js';
import { providerFindings, providerRules } from './provider-findings.js';

export { base64Runs, isBase64Char, MIN_BASE64_RUN, mayDecodeToText } from './base64-runs.js';

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
