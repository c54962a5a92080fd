/**
 * Secret detection shared by ingest (masking transcripts and runbooks) and bundle (refusing
 * files that hold credentials). Pure: no I/O, no imports from other capability folders.
 *
 * API
 * - `findSecrets(text, { knownValues? }) → Finding[]`: every secret in a text, as
 *   `{ rule, start, end, line }` (offsets into `text`, end exclusive; `line` is 1-based). For
 *   bundle-time checks: refuse a file when the list is not empty and name `file:line (rule)`.
 * - `maskSecrets(text, knownValues?) → { text, counts }`: the text with each secret replaced by
 *   `«masked:<rule-id>»` (later lines of one multi-line value by `«masked:<rule-id>, continued»`),
 *   and `counts`, masked values per rule id.
 * - `SecretMasker`: the streaming form for large inputs: `push(line, emit)` per line (each line
 *   is emitted when the next has been seen, for values cut by a hard wrap), `end(emit)`, then
 *   `counts` (Map rule → values) and `total`. `pushText(text, flagged, emit, emitRun)` does
 *   the same for many lines at once: `lineFilter().flagged(text)` (or `flaggedBytes` over
 *   ASCII bytes) finds the lines that need scanning; runs of the others come back as offsets.
 * - `MASK_MARKER` (global RegExp, group 1 = rule id) counts markers in masked text; `rules`
 *   lists the regex rules (`id`, `keywords`, `source`: 'gitleaks' or 'airgap').
 *
 * What is found: gitleaks' provider rules (rules-gitleaks.ts, MIT), this domain's rules
 * (rules-domain.ts: AWS CLI output, assignments, registry logins, URLs with passwords,
 * Authorization headers) and stateful ones (context.ts: Kubernetes Secret data/stringData in
 * YAML and JSON, PEM private keys, decoded secrets printed by `kubectl get secret … | base64 -d`).
 * Every value found is then masked wherever it occurs later, decoded, base64- or URL-encoded
 * (known-values.ts). Never masked: sha256 digests, image references and ECR URIs, ARNs,
 * Kubernetes uids and resourceVersions, git commit ids, bundle ids, airgap's marker lines.
 * Every rule is linear in the line length (tested: 50 ms at most on a 100 KB hostile line).
 */

export { type Flagged, HIT, LineFilter, NEWLINE } from './line-filter.js';
export {
  type Finding,
  findSecrets,
  type LinesText,
  MASK_MARKER,
  maskMarker,
  maskSecrets,
  SecretMasker,
} from './masker.js';
export {
  isPlaceholder,
  keywordSearch,
  PLACEHOLDER_PATTERNS,
  type RegexRule,
  rulesByKeyword,
} from './rule.js';
export { lineFilter, rules } from './scanner.js';
