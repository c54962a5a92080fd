/** A detection rule: a cheap keyword test first, then a regular expression on the line. */
export interface RegexRule {
  /** Names the rule in findings and in the `«masked:<id>»` marker. */
  id: string;
  /** Lower-case literals; the pattern runs only on lines containing one of them. */
  keywords: readonly string[];
  /**
   * For the line filter's automaton instead of `keywords`: the same test spelled out longer
   * (`mtk4`… for a Discord token's start, `ac3f`… for a Twilio SID), each holding one of
   * `keywords`. Kept out of the scanner's keyword RegExp, which slows with every alternative.
   */
  filterKeywords?: readonly string[];
  /** Global; group 1 (when present) is the secret, else the whole match. */
  pattern: RegExp;
  /**
   * Extra check on the secret, e.g. that a Basic credential decodes to `user:password`, or
   * on the whole match (`match[1]`, the key it was assigned to).
   */
  validate?: (secret: string, match: RegExpMatchArray) => boolean;
  /**
   * The check bundle applies instead, where it must be stricter than a runbook's masking: a
   * default password (`postgres://postgres:postgres@`) is left in a runbook but still not
   * shipped in a ConfigMap, since it may be the production database's real one.
   */
  bundleValidate?: (secret: string, match: RegExpMatchArray) => boolean;
  /** What it finds, for bundle's refusal: "holds <what>" (default: "a <id> credential"). */
  what?: string;
  /**
   * `gitleaks` for rules ported from its default config, `issuer` for other self-identifying
   * token shapes (rules-issuers.ts), `airgap` for this domain's rules: only these are broad
   * enough to need the never-masked guard.
   */
  source: 'gitleaks' | 'issuer' | 'airgap';
  /**
   * Whether bundle refuses a committed file holding it. Every provider and issuer rule does;
   * of this domain's rules, those whose values are never harmless in a manifest (URLs with
   * passwords, registry logins): the broad ones (any `*_key:`) would refuse ConfigMaps.
   */
  bundle?: boolean;
}

// What a value is when it stands for a secret instead of being one: a variable or template, a
// masked or redacted marker, a bare count or boolean, a word everyone uses as a stand-in.
const STAND_IN =
  /^(?:\$|%|\{\{|\{[\w.-]{1,64}\}|«masked|\[REDACTED|\[[A-Z_ ]{1,64}\]$|<|\*{3}|x{3}|\*+$|#+$|(?:true|false|null|none|nil|yes|no|required|optional|changeme|password|passwd|secret|token|username|user|pass|example|new|function|await|undefined)$|\d{1,12}$)/i;
// Filler inside a machine-made token: a character repeated (not `A` or `/`: base64 of zeros,
// which binary tokens such as PyPI's hold), unless it is all the token holds after its prefix
// (`sk_live_AAAA…`); a short unit repeated (`FakeFakeFake`, `123123123`); a run of the
// alphabet or of digits in order; a word saying it is not real. A random token holds none of
// these by chance; a password someone chose may (`abcdefghij` is a weak password, not a
// stand-in), so this part is only for tokens.
const FILLER =
  /([xX0-9*#])\1{5}|([B-Zb-z])\2{7}|^(?:[A-Za-z0-9]{1,12}[_.-]){1,3}(.)\3{11,}=*$|12345678|23456789|01234567|example|your[_-]|replace[_-]?(?:with|me)|put[_-]your|placeholder|dummy|notarealkey|not[_-]a[_-]real|here$/i;

/**
 * The one placeholder filter, for every rule, at ingest and at bundle: true for values that
 * name or stand in for a secret (`$VAR`, `{{ .Values.x }}`, `<password>`, `***`), which are
 * left as they are. `token`: the value has a machine-made shape (a provider's token), so
 * filler in it (`xxxxxxxx`, `AKIAIOSFODNN7EXAMPLE`, `sk_live_AAAAAAAA…`) marks a stand-in too.
 */
export function isPlaceholder(value: string, token = false): boolean {
  if (STAND_IN.test(value) || value.includes('EXAMPLE')) return true;
  if (token ? isFiller(value) : TEMPLATE.test(value)) return true;
  // Base64 of text (`ZHVtbXkgdGV4dA==`, "dummy text") stands in when the text does: a key or
  // token encoded is binary, and decodes to no readable text at all.
  const text = BASE64.test(value) ? Buffer.from(value, 'base64').toString('latin1') : '';
  return /^[\x20-\x7e]{8,}$/.test(text) && isPlaceholder(text, token);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4}){4,256}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const ALPHABET_RUN =
  /abcdefgh|bcdefghi|cdefghij|defghijk|efghijkl|fghijklm|ghijklmn|hijklmno|ijklmnop|jklmnopq|klmnopqr|lmnopqrs|mnopqrst|nopqrstu|opqrstuv|pqrstuvw|qrstuvwx|rstuvwxy|stuvwxyz/i;
// A unit of two to four characters four times over (`FakeFake…`, `123123…`); case counts,
// and a unit holding `A` or `/` is left out for base64 of zeros again. For the fingerprint:
// repeatsUnit is the search, as a loop (the RegExp took half as long again as FILLER).
const REPEATED_UNIT = /([^A/]{2,4})\1{3}/;

function repeatsUnit(value: string): boolean {
  for (let unit = 2; unit <= 4; unit++) {
    let run = 0;
    for (let i = unit; i < value.length; i++) {
      if (value.charCodeAt(i) !== value.charCodeAt(i - unit)) run = 0;
      else if (++run >= 3 * unit && !/[A/]/.test(value.slice(i + 1 - 4 * unit, i + 1 - 3 * unit)))
        return true;
    }
  }
  return false;
}

// The alphabet with each letter in both cases (`aAbBcCdD…`), eight letters of it.
const PAIRED_RUN = new RegExp(
  Array.from({ length: 19 }, (_, i) =>
    [...'abcdefghijklmnopqrstuvwxyz'.slice(i, i + 8)].map((c) => c + c.toUpperCase()).join(''),
  ).join('|'),
);

function isFiller(value: string): boolean {
  return (
    FILLER.test(value) ||
    ALPHABET_RUN.test(value) ||
    // A run of `a` (`AIzaaaaaaaa…`) is filler where one of `A` is not.
    value.includes('aaaaaaaa') ||
    repeatsUnit(value) ||
    PAIRED_RUN.test(value)
  );
}

// What marks any value, chosen or made, as a stand-in: one character over and over, a run of
// `x` or `*`, an instruction to replace it.
// Not any run of one character: base64 of zeros (`AAAAAAAA`, `//////////`) is in real keys
// and AWS session tokens.
const TEMPLATE =
  /^(.)\1+$|([xX*#])\2{5}|your[_-]|replace[_-]?(?:with|me)|put[_-]your|placeholder|not[_-]a[_-]real/i;

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
  source: RegexRule['source'] = 'gitleaks',
): RegexRule {
  return {
    id,
    keywords,
    pattern: new RegExp(`${START}(${body})${END}`, `g${flags}`),
    source,
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
    validate: (_value, match) => namesService(match, identifiers),
    source: 'gitleaks',
  };
}

/**
 * Whether the service's name stands as a word where the match starts: not the middle of a
 * lower-case word (`okTa` in `rookTable`), and not cut off inside a camelCase word
 * (`sumO` in `sumObj`). `myOkta`, `OKTA_TOKEN` and a brand's own humps (`DataDog`) count.
 */
function namesService(match: RegExpMatchArray, identifiers: readonly string[]): boolean {
  const index = match.index ?? 0;
  const text = match[0];
  const name = identifiers.find((i) => text.slice(0, i.length).toLowerCase() === i.toLowerCase());
  if (name === undefined || !/^[A-Za-z]/.test(name)) return true;
  const written = text.slice(0, name.length);
  const prev = (match.input ?? '').charAt(index - 1);
  if (/[a-z]/.test(prev) && /[a-z]/.test(written.charAt(0))) return false;
  return !(/[a-z][A-Z]/.test(written) && /[a-z]/.test(text.charAt(name.length)));
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

/**
 * The rules to try for each keyword found. A search finds the longest keyword at each place,
 * so a hit also stands for every keyword inside it (`xoxb-` for `xoxb`): their rules too.
 */
export function rulesByKeyword<T extends { rule: RegexRule }>(
  entries: readonly T[],
): Map<string, T[]> {
  const direct = new Map<string, T[]>();
  for (const e of entries)
    for (const keyword of e.rule.keywords) {
      const list = direct.get(keyword) ?? [];
      list.push(e);
      direct.set(keyword, list);
    }
  const closed = new Map<string, T[]>();
  for (const keyword of direct.keys()) {
    const set = new Set<T>();
    for (let i = 0; i < keyword.length; i++)
      for (let j = i + 1; j <= keyword.length; j++)
        for (const e of direct.get(keyword.slice(i, j)) ?? []) set.add(e);
    closed.set(keyword, [...set]);
  }
  return closed;
}

/** The placeholder filter's expressions, for a fingerprint of the rules (bundle's scan cache). */
export const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  STAND_IN,
  FILLER,
  ALPHABET_RUN,
  REPEATED_UNIT,
  PAIRED_RUN,
  BASE64,
  TEMPLATE,
];
