import { findSecrets, isPlaceholder } from '../secrets/index.js';

/**
 * What `airgap bundle` decides about one `kind: Secret` object. Operator installs ship many
 * Secrets that hold nothing secret: empty ones filled in by a controller, Grafana's
 * `grafana.ini`, a datasource URL, Alertmanager routing, a scrape config. Those ship with a
 * warning naming them; a Secret holding a credential is refused at the line of its key.
 */
export interface SecretVerdict {
  /** `warn`: ships, with a warning; `refuse`: a credential, refused unless allowSecrets says so. */
  decision: 'warn' | 'refuse';
  line: number;
  message: string;
}

/**
 * Keys whose value is a credential by name: passwords, tokens, keys and key stores, registry
 * and htpasswd auth (`kubernetes.io/basic-auth`, `tls`, `ssh-auth`, `dockerconfigjson` types
 * use these keys). `tls.crt` and `ca.crt` are certificates, public by design.
 */
const CREDENTIAL_KEY =
  /passw(or)?d|passwd|pwd|passphrase|token|secret|credential|api[-_]?key|access[-_]?key|private[-_]?key|privatekey|client[-_]?key|(^|[._-])key$|^key$|\.(pem|p12|pfx|jks)$|keystore|htpasswd|dockerconfigjson|dockercfg|jaas|(^|[._-])auth$/i;

/**
 * A value that stands for a credential instead of holding one: empty, or a stand-in by the
 * secrets engine's one placeholder filter (`${VAR}`, `$(VAR)`, `{{ … }}`, `<…>`, `***`,
 * `changeme`), the filter bundle's other rules and ingest use.
 */
export function isPlaceholderValue(value: string): boolean {
  const trimmed = value.trim();
  return trimmed === '' || isPlaceholder(trimmed);
}

interface Entry {
  field: 'data' | 'stringData';
  key: string;
  /** The decoded text, or undefined for a `data` value that is not text (a key store). */
  text: string | undefined;
}

/**
 * A `data` value decoded: its text, or undefined when it decodes to bytes that are not UTF-8
 * text (a key store). A value that is not base64 at all is scanned as it is written: kubectl's
 * dry run will reject it, and a credential in it must still be found.
 */
function decode(value: unknown): string | undefined {
  if (typeof value !== 'string') return String(value ?? '');
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return value;
  const text = Buffer.from(compact, 'base64').toString('utf8');
  // U+FFFD: bytes that are not UTF-8; C0 controls other than tab and line ends: not text.
  return /[\uFFFD\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/.test(text) ? undefined : text;
}

function entriesOf(object: Record<string, unknown>): Entry[] {
  const entries: Entry[] = [];
  for (const field of ['data', 'stringData'] as const) {
    const map = object[field];
    if (!map || typeof map !== 'object' || Array.isArray(map)) continue;
    for (const [key, value] of Object.entries(map)) {
      const text = field === 'data' ? decode(value) : String(value ?? '');
      entries.push({ field, key, text });
    }
  }
  return entries;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * The line of `key:` under the object's `data:`/`stringData:`, searched from the object's first
 * line to the next document; the object's line when it cannot be found (flow style, JSON).
 */
function keyLine(lines: readonly string[], objectLine: number, entry: Entry): number {
  const key = new RegExp(`^\\s*-?\\s*["']?${escapeRegExp(entry.key)}["']?\\s*:`);
  const field = new RegExp(`^\\s*-?\\s*["']?${entry.field}["']?\\s*:`);
  // Flow style, `data: { password: … }`, names the key on the field's own line.
  const flowKey = new RegExp(`[{,]\\s*["']?${escapeRegExp(entry.key)}["']?\\s*:`);
  let inField = false;
  for (let i = objectLine - 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (i > objectLine - 1 && /^(---|\.\.\.)(\s|$)/.test(line)) break;
    if (field.test(line)) {
      if (flowKey.test(line)) return i + 1;
      inField = true;
    } else if (inField && key.test(line)) return i + 1;
  }
  return objectLine;
}

/** `namespace/name`, or the name alone, for messages. */
function secretName(object: Record<string, unknown>): string {
  const metadata = object.metadata as { name?: unknown; namespace?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '(unnamed)';
  return typeof metadata?.namespace === 'string' ? `${metadata.namespace}/${name}` : name;
}

/** The first credential in one value: by its key's name, else by the shared secrets engine. */
function credentialIn(entry: Entry): { what: string; offset: number } | undefined {
  const { key, text } = entry;
  if (text === undefined) return { what: 'is binary, which cannot be checked', offset: 0 };
  if (isPlaceholderValue(text)) return undefined;
  if (CREDENTIAL_KEY.test(key)) return { what: 'is a password, token or key field', offset: 0 };
  // A one-line value is scanned as `key: value`, so assignment rules see the key's name too.
  const multiLine = text.includes('\n');
  const found = findSecrets(multiLine ? text : `${key}: ${text}`)[0];
  if (!found) return undefined;
  return { what: `holds a credential (${found.rule})`, offset: multiLine ? found.line : 0 };
}

/**
 * Classifies one Secret. `line` is the object's first line in `lines` (the file's lines), used
 * to point at the key that holds a credential.
 */
export function classifySecret(
  object: Record<string, unknown>,
  line: number,
  lines: readonly string[],
): SecretVerdict {
  const name = secretName(object);
  const entries = entriesOf(object);
  if (entries.length === 0)
    return { decision: 'warn', line, message: `Secret ${name} ships: it has no data` };
  for (const entry of entries) {
    const found = credentialIn(entry);
    if (!found) continue;
    const at = keyLine(lines, line, entry);
    // A block scalar's text starts on the line after its key.
    const blockScalar = found.offset > 0 && /:\s*[|>]/.test(lines[at - 1] ?? '');
    return {
      decision: 'refuse',
      line: blockScalar ? at + found.offset : at,
      message: `Secret ${name}: ${entry.field}.${entry.key} ${found.what}`,
    };
  }
  const keys = entries.map((e) => e.key).join(', ');
  return {
    decision: 'warn',
    line,
    message: `Secret ${name} ships: no credential found in ${keys}`,
  };
}
