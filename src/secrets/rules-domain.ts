/**
 * Rules for what this domain prints and no general scanner knows: AWS CLI output, kubeconfig and
 * Kubernetes Secret fields, registry logins, Kafka client settings, assignments in shells, YAML
 * and JSON. The stateful ones (Secret `data` maps, PEM blocks, decoded values printed on their
 * own line) live in context.ts. Every quantifier is bounded, so each rule is linear in the line.
 */
import { isPlaceholder, type RegexRule } from './rule.js';

// A value after `key: ` or `key=`: double-quoted, \"escaped\" inside a JSON string, single-quoted,
// or bare up to a delimiter. The first group that matched is the secret.
const VALUE = String.raw`(?:\\"((?:[^"\\\n]|\\[^"\n]){1,2048})\\"|"([^"\n]{1,2048})"|'([^'\n]{1,2048})'|([^\s"'\x60,;&|<>(){}\[\]\\]{1,2048}))`;
// After the key: an optional closing quote, then `=`, `:`, `:=` or `=>` (not `://`).
const SEPARATOR = String.raw`(?:\\?["'])?[ \t]{0,5}(?:=>|:=|=|:(?![/\\=]))[ \t]{0,5}`;

const notPlaceholder = (value: string) => !isPlaceholder(value);

function decodeURIComponentSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// The commands that log in to a registry, and one word given to them: quoted or bare.
const LOGIN = String.raw`(?:docker|podman|nerdctl|buildah|skopeo|oras|crane|regctl|helm[ \t]{1,5}registry)(?:[ \t]{1,5}registry)?[ \t]{1,5}login\b`;
const WORD = String.raw`(?:'([^'\n]{1,2048})'|"([^"\n]{1,2048})"|([^\s'"|;&<>]{1,2048}))`;

/**
 * `key = value` where the key names a secret. `made`: the keys (all, or those it matches) name
 * a machine-made value, a token or a key, so filler in it (`1234567890`, `aaaaaaaa`) marks a
 * stand-in as in a token; not a password or a connection string, which someone chose.
 */
function assignment(
  id: string,
  keys: string,
  keywords: readonly string[],
  made: boolean | RegExp = false,
): RegexRule {
  return {
    id,
    keywords,
    // Not after `:` or `/`: `:secret:` in an ARN is a resource type, not a key.
    pattern: new RegExp(`(?<![:/])(?:${keys})${SEPARATOR}${VALUE}`, 'gi'),
    validate: (value, match) =>
      !isPlaceholder(value, made === true || (made !== false && made.test(match[0]))) &&
      namesSecret(match) &&
      !notSecretValue(value, match),
    source: 'airgap',
  };
}

// Words that may come right before `token` or `secret` with no break (`accesstoken`, `clientsecret`).
const HEAD =
  /(?:auth|access|api|app|bearer|refresh|session|id|client|oauth|shared|private|user|bot|device|service|admin|deploy|registry|runner|webhook|jwt|hmac|signing)$/i;
// Keys naming what is public or an identifier, not a secret: a public key or token, an
// anti-forgery (CSRF) token or nonce sent in every page, a storage or database key naming a
// row or an object (`bucket_key: reports-2.1`). Not `primary`: Azure's primary keys are secrets.
const NOT_SECRET_KEY =
  /(?:public|csrf|xsrf|nonce|bucket|object|foreign|sort|partition|cache|idempotency)[_.-]?$/i;

/**
 * Whether the key the match starts with is a word of its own: after a non-letter, a camelCase
 * or ALL-CAPS join (`authToken`, `GITHUBTOKEN`) or a word keys end with (`accesstoken`); not
 * the tail of another word (`io.jsonwebtoken:jjwt`), and not a key naming something public.
 */
function namesSecret(match: RegExpMatchArray): boolean {
  const index = match.index ?? 0;
  const before = (match.input ?? '').slice(Math.max(0, index - 24), index);
  const key = /^[A-Za-z_-]+/.exec(match[0])?.[0] ?? '';
  if (NOT_SECRET_KEY.test(before)) return false;
  const prev = before.at(-1) ?? '';
  if (!/[A-Za-z]/.test(prev) || !/^[A-Za-z]/.test(key)) return true;
  const camel = /[a-z]/.test(prev) && /[A-Z]/.test(key[0] ?? '');
  const caps = /[A-Z]/.test(prev) && key === key.toUpperCase();
  return camel || caps || HEAD.test(before);
}

/**
 * Values that are no secret whatever their key says: a variable's name holding the key's own
 * word (`access_token=ACCESS_TOKEN`), a time-based UUID (version 1: a clock and a MAC address,
 * an identifier with nothing random to guard), a URL with a user and password (url-password
 * judges the password alone).
 */
function notSecretValue(value: string, match: RegExpMatchArray): boolean {
  const word = (/^[A-Za-z_-]+/.exec(match[0])?.[0] ?? '').replace(/[_-]/g, '').toUpperCase();
  if (/^[A-Z][A-Z0-9_]*$/.test(value) && value.replace(/_/g, '').includes(word)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(value))
    return true;
  return /^[a-z][\w+.-]{0,30}:\/\/[^\s:/@]{0,256}:[^\s@/]{1,256}@/i.test(value);
}

/**
 * A URL's password that only repeats its user name or its scheme (`postgres://postgres:postgres@`)
 * is a sample or default credential, published with the software, not a secret.
 */
function repeatsUserOrScheme(password: string, match: RegExpMatchArray, user: string): boolean {
  const index = match.index ?? 0;
  const scheme = /[a-z][\w+.-]{0,30}$/i.exec(
    (match.input ?? '').slice(Math.max(0, index - 32), index),
  );
  const p = password.toLowerCase();
  return p === user.toLowerCase() || p === scheme?.[0].toLowerCase();
}

function isBasicCredential(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return /^[\x20-\x7e]{1,256}:[\x20-\x7e]{1,1024}$/.test(decoded);
}

export const domainRules: readonly RegexRule[] = [
  {
    id: 'ecr-login-password',
    keywords: ['eyjwyxlsb2fkijoi'],
    // `aws ecr get-login-password` prints base64 of {"payload":"…"}.
    pattern: /eyJwYXlsb2FkIjoi[A-Za-z0-9+/]{20,16384}={0,2}/g,
    source: 'airgap',
  },
  assignment(
    'aws-secret-access-key',
    'aws_?secret_?access_?key|secret_?access_?key|aws_?secret_?key',
    ['secret'],
    true,
  ),
  assignment(
    'aws-session-token',
    'aws_?session_?token|session_?token|aws_?security_?token',
    ['session', 'security'],
    true,
  ),
  {
    id: 'aws-secretsmanager-secret',
    keywords: ['secretstring', 'secretbinary'],
    pattern: /"Secret(?:String|Binary)"[ \t]{0,5}:[ \t]{0,5}"((?:[^"\\\n]|\\[^\n]){1,65536})"/g,
    source: 'airgap',
  },
  {
    id: 'kafka-sasl-jaas-config',
    keywords: ['jaas'],
    pattern: /sasl\.jaas\.config\\?["']?[ \t]{0,5}[:=][ \t]{0,5}(\S[^\n]{0,4095})$/gi,
    source: 'airgap',
  },
  {
    id: 'docker-config-auth',
    keywords: ['auth'],
    pattern: /\\?"auth\\?"[ \t]{0,5}:[ \t]{0,5}\\?"([A-Za-z0-9+/]{8,8192}={0,2})\\?"/g,
    source: 'airgap',
  },
  {
    id: 'docker-config-json',
    keywords: ['dockerconfigjson', 'dockercfg'],
    pattern:
      /\.?docker(?:configjson|cfg)\\?["']?[ \t]{0,5}:[ \t]{0,5}\\?["']?([A-Za-z0-9+/]{16,65536}={0,2})/g,
    source: 'airgap',
  },
  {
    id: 'registry-login-password',
    keywords: ['login'],
    pattern:
      /\b(?:docker|podman|nerdctl|buildah|skopeo|oras|helm[ \t]{1,5}registry)[ \t]{1,5}login\b[^\n]{0,300}?[ \t](?:-p|--password)(?:=|[ \t]{1,5})(?:'([^'\n]{1,2048})'|"([^"\n]{1,2048})"|([^\s'"]{1,2048}))/g,
    validate: notPlaceholder,
    source: 'airgap',
    bundle: true,
    what: 'a registry password given to a login',
  },
  {
    // `echo 'pw' | docker login --password-stdin`: the password is echoed before the login.
    id: 'registry-login-password',
    keywords: ['password-stdin'],
    pattern: new RegExp(
      String.raw`\b(?:echo|printf)(?:[ \t]{1,5}-[neE]{1,3}){0,3}[ \t]{1,5}(?:["']%s(?:\\n)?["'][ \t]{1,5})?${WORD}[ \t]{0,5}\|[ \t]{0,5}(?:sudo[ \t]{1,5})?${LOGIN}[^\n]{0,300}?--password-stdin`,
      'g',
    ),
    validate: notPlaceholder,
    source: 'airgap',
    bundle: true,
    what: 'a registry password echoed into a login',
  },
  {
    // `docker login --password-stdin <<< 'pw'`: a here-string feeds it.
    id: 'registry-login-password',
    keywords: ['password-stdin'],
    pattern: new RegExp(String.raw`--password-stdin\b[^\n]{0,300}?<<<[ \t]{0,5}${WORD}`, 'g'),
    validate: notPlaceholder,
    source: 'airgap',
    bundle: true,
    what: 'a registry password given to a login',
  },
  {
    id: 'authorization-basic',
    keywords: ['basic'],
    pattern: /\bbasic[ \t]{1,5}([A-Za-z0-9+/]{8,4096}={0,2})(?![\w+/=])/gi,
    validate: isBasicCredential,
    source: 'airgap',
  },
  {
    id: 'authorization-bearer',
    keywords: ['bearer'],
    pattern: /\bbearer[ \t]{1,5}([A-Za-z0-9._~+/-]{8,8192}={0,2})/gi,
    validate: notPlaceholder,
    source: 'airgap',
  },
  {
    id: 'url-password',
    keywords: ['://'],
    // Starts at the literal `://` (found by a fast scan) rather than at every letter of a scheme.
    pattern: /(?<=[a-z0-9]):\/\/[^\s:/@'"]{0,256}:([^\s@/'"]{1,256})@/gi,
    validate: (value, match) =>
      notPlaceholder(value) &&
      !repeatsUserOrScheme(value, match, /^:\/\/([^:]*)/.exec(match[0])?.[1] ?? ''),
    bundleValidate: notPlaceholder,
    source: 'airgap',
    bundle: true,
    what: 'a URL with a password (e.g. a database URL)',
  },
  {
    // The same URL percent-encoded, as a query parameter or a JDBC/ODBC option holds it:
    // `postgresql%3A%2F%2Fapp%3Ap%2540ss%40db%3A5432`. The user part stops at an encoded `:` or
    // `@`; the password is what comes before the first encoded `@` (none before it, at most 512).
    // A lookahead only at a `%`, not at every character; a lazy search for the first `%40`.
    // The password may hold one encoded `://` (`app%3As3cr%3A%2F%2Fet%40db`), never two, and
    // what follows that one stops at an encoded `:`: so a line of `%3a%2f%2f` costs each start
    // a short look up to the second `://` after it, not 512 characters. It is no password but
    // the next URL of a list when that part holds an encoded `:` (its own `user:password`,
    // masked from its own start: `a%3A6379%2Credis%3A%2F%2Fu%3Apw%40b` masks `pw` alone) or
    // when a list separator and a scheme come before it (`a%3A6379%2Credis%3A%2F%2Fu%40b`: a
    // user alone, nothing masked), or a query's `?`, `&` or `=` and a scheme (a URL in the query
    // of one with a port: `db%3A5432%2Fapp%3Fnext%3Dhttps%3A%2F%2Fuser%40x`, nothing masked).
    id: 'url-password',
    keywords: ['%3a%2f%2f'],
    pattern:
      /(?<=[a-z0-9])%3A%2F%2F(?:[^\s'"&@/?#%]|%(?!3A|40)){0,256}%3A(?!%40)((?:[^\s'"&@/?#%]|%(?!3A%2F%2F)){1,512}?(?:%3A%2F%2F(?<!(?:%2C|%3B|%20|%3F|%26|%3D|[,;+])[a-z][\w+.-]{0,30}%3A%2F%2F)(?:[^\s'"&@/?#%]|%(?!3A|40)){0,256})?)%40/gi,
    validate: (value, match) =>
      notPlaceholder(decodeURIComponentSafely(value)) &&
      !repeatsUserOrScheme(
        decodeURIComponentSafely(value),
        match,
        decodeURIComponentSafely(/^%3A%2F%2F(.*?)%3A/i.exec(match[0])?.[1] ?? ''),
      ),
    bundleValidate: (value) => notPlaceholder(decodeURIComponentSafely(value)),
    source: 'airgap',
    bundle: true,
    what: 'a URL-encoded URL with a password',
  },
  assignment('password-assignment', 'passw(?:or)?d|pwd|passphrase', ['pass', 'pwd']),
  assignment(
    'token-assignment',
    'token|secret|[_-]key|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?key[_-]?data|credentials?|connection[_-]?string',
    [
      'token',
      'secret',
      'apikey',
      'api_key',
      'api-key',
      'accesskey',
      'access_key',
      'access-key',
      'privatekey',
      'private_key',
      'private-key',
      'key-data',
      'key_data',
      '_key',
      '-key',
      'credential',
      'connection',
    ],
    /^(?:token|[\w-]*key)\b/i,
  ),
];
