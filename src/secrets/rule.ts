/** A detection rule: a cheap keyword test first, then a regular expression on the line. */
export interface RegexRule {
  /** Names the rule in findings and in the `«masked:<id>»` marker. */
  id: string;
  /** Lower-case literals; the pattern runs only on lines containing one of them. */
  keywords: readonly string[];
  /** Global; group 1 (when present) is the secret, else the whole match. */
  pattern: RegExp;
  /** Extra check on the secret, e.g. that a Basic credential decodes to `user:password`. */
  validate?: (secret: string) => boolean;
  /** `gitleaks` for rules ported from its default config, `airgap` for this domain's rules. */
  source: 'gitleaks' | 'airgap';
}

// gitleaks ends a token at a quote, backtick, space, semicolon, an escaped newline or the line end.
const END = String.raw`(?=[\x60'"\s;,)\]}<>]|\\[nr]|$)`;

// A token starts after a character that cannot be part of one, after `KEY=`, or after `//` or
// `@` in a URL. Starting only there, not after every `.` or `=` as gitleaks' \b allows, keeps a
// line of repeated prefixes (`SG.SG.SG.…`) from being scanned again from each one.
const START = String.raw`(?<=^|[^\w.+/~=-]|[A-Za-z0-9]=|\/\/|@)`;

/** A token with a distinctive shape (gitleaks' generateUniqueTokenRegex). */
export function uniqueToken(
  id: string,
  keywords: readonly string[],
  body: string,
  flags = '',
): RegexRule {
  return {
    id,
    keywords,
    pattern: new RegExp(`${START}(${body})${END}`, `g${flags}`),
    source: 'gitleaks',
  };
}

/**
 * A token recognisable only beside its service's name, as in `DATADOG_KEY = "…"`
 * (gitleaks' generateSemiGenericRegex, without its leading `[\w.-]{0,50}?`, which only slowed
 * the search: the match starts at the service name instead). Every quantifier is bounded.
 */
export function semiGeneric(
  id: string,
  identifiers: readonly string[],
  body: string,
  keywords: readonly string[] = identifiers.map((i) => i.toLowerCase()),
): RegexRule {
  return {
    id,
    keywords,
    pattern: new RegExp(
      String.raw`(?:${identifiers.join('|')})[ \t\w.-]{0,20}[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}(${body})${END}`,
      'gi',
    ),
    source: 'gitleaks',
  };
}

/** Part of a line to mask. `continued` marks the later lines of one value (counted once). */
export interface Span {
  start: number;
  end: number;
  rule: string;
  continued?: boolean;
}

/**
 * One global search for any of these literal keywords, longest first so that at a place where
 * two begin the longer is the one found. Keywords are lower case: search lower-cased text.
 */
export function keywordSearch(keywords: Iterable<string>): RegExp {
  return new RegExp(
    [...keywords]
      .sort((a, b) => b.length - a.length)
      .map((k) => k.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'))
      .join('|'),
    'g',
  );
}
