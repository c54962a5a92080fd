/**
 * Bundle-time credential detection in shipped text. A small interface so that the shared
 * engine of issue 14 (src/secrets, also used by ingest's redaction) can replace the rules
 * below without touching the scanner: `findSecrets(text)` returning findings with a line.
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

interface Rule {
  rule: string;
  what: string;
  pattern: RegExp;
  /** Rejects matches that are references or placeholders, not values. */
  accept?: (match: RegExpExecArray) => boolean;
}

/** A value that names a variable or placeholder instead of holding a secret. */
function isPlaceholder(value: string): boolean {
  return (
    /^(\$|\{\{|<|\*{3}|changeme$|xxx|\[REDACTED)/i.test(value) || /^(true|false|null)$/i.test(value)
  );
}

const RULES: readonly Rule[] = [
  {
    rule: 'private-key',
    what: 'a private key block',
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  },
  {
    rule: 'aws-access-key-id',
    what: 'an AWS access key id',
    pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/,
  },
  {
    rule: 'aws-secret-access-key',
    what: 'an AWS secret access key',
    pattern: /aws_secret_access_key\s*[=:]\s*\S{20,}/i,
  },
  {
    rule: 'kubeconfig-credential',
    what: 'a kubeconfig credential (token or client key)',
    pattern: /^\s*(token|client-key-data)\s*:\s*\S{16,}/m,
  },
  {
    rule: 'url-password',
    what: 'a URL with a password (e.g. a database URL)',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:([^\s@/'"]+)@[^\s'"]/i,
    accept: (m) => !isPlaceholder(m[1] ?? ''),
  },
  {
    rule: 'env-credential',
    what: 'a credential in an env value',
    pattern:
      /name:\s*["']?[A-Za-z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY)[A-Za-z0-9_]*["']?[ \t]*\r?\n[ \t]*value:[ \t]*["']?([^\s"']{6,})/i,
    accept: (m) => !isPlaceholder(m[2] ?? ''),
  },
  {
    rule: 'credential-key',
    what: 'a password, token or API key value',
    pattern:
      /^[\s-]*["']?[A-Za-z0-9_.-]*(password|passwd|api[_-]?key|secret[_-]?key|client[_-]?secret|auth[_-]?token|access[_-]?token)["']?[ \t]*[:=][ \t]*["']?([^\s"'#]{6,})/im,
    // Strimzi's passwordSecret.password names the key inside a Secret: `password: password`.
    accept: (m) =>
      !isPlaceholder(m[2] ?? '') &&
      !(m[2] ?? '').toLowerCase().includes((m[1] ?? '').toLowerCase()),
  },
  {
    rule: 'docker-config',
    what: 'docker registry credentials (.dockerconfigjson)',
    pattern:
      /(\.dockerconfigjson[ \t]*:[ \t]*[^\s|>]{8,}|"auths"\s*:\s*\{[\s\S]{0,400}?"(auth|password)"\s*:\s*"[^"]{4,}")/,
  },
];

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function runRules(text: string): CredentialFinding[] {
  const findings: CredentialFinding[] = [];
  for (const rule of RULES) {
    const pattern = new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('g', '')}g`);
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      if (!rule.accept || rule.accept(match)) {
        findings.push({ rule: rule.rule, line: lineAt(text, match.index), what: rule.what });
        break; // one finding per rule and file is enough to refuse it
      }
    }
  }
  return findings;
}

/** Base64 runs long enough to hide a key (binaryData, `data:` values, an encoded file). */
const MIN_BASE64_RUN = 24;

function isBase64Char(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 47
  );
}

/** Runs of base64 characters, found in one pass (a regex retries at every offset). */
function base64Runs(text: string): Array<{ run: string; index: number }> {
  const runs: Array<{ run: string; index: number }> = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isBase64Char(text.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= MIN_BASE64_RUN)
      runs.push({ run: text.slice(start, i), index: start });
    start = -1;
  }
  return runs;
}

function decodedText(run: string): string | undefined {
  const bytes = Buffer.from(run, 'base64');
  if (bytes.length < 16) return undefined;
  let printable = 0;
  for (const byte of bytes)
    if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127)) printable++;
  return printable / bytes.length > 0.95 ? bytes.toString('latin1') : undefined;
}

/** The rules over the text, then over every base64 run in it (and the whole file, if it is one). */
export const builtinDetector: CredentialDetector = {
  findSecrets(text: string): CredentialFinding[] {
    const findings = runRules(text);
    const seen = new Set(findings.map((f) => f.rule));
    const candidates: Array<{ run: string; index: number }> = [];
    // A whole file in base64 (wrapped lines) is one candidate; the test fails at the first ':'.
    if (/^[A-Za-z0-9+/=\s]+$/.test(text)) {
      const compact = text.replace(/\s+/g, '');
      if (compact.length >= MIN_BASE64_RUN) candidates.push({ run: compact, index: 0 });
    }
    candidates.push(...base64Runs(text));
    for (const { run, index } of candidates) {
      const decoded = decodedText(run);
      if (!decoded) continue;
      for (const finding of runRules(decoded)) {
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
  },
};
