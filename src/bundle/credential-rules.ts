import { isPlaceholder, type RegexRule } from '../secrets/index.js';

/**
 * Bundle's own rules, for shapes only manifests have: env values named like credentials,
 * password keys, kubeconfig fields, .dockerconfigjson. The same shape as the secrets engine's
 * rules (src/secrets/rule.ts) and the same placeholder filter; unlike them, each runs on a
 * whole file (an env value's name and value are two lines) and one match refuses the file.
 */
const manifest = (rule: Omit<RegexRule, 'source' | 'bundle'>): RegexRule => ({
  ...rule,
  source: 'airgap',
  bundle: true,
});

/** The value of a match: the last group that took part (the key, when captured, comes first). */
export function matchedValue(match: RegExpMatchArray): string {
  for (let i = match.length - 1; i > 0; i--) if (match[i] !== undefined) return match[i] ?? '';
  return match[0];
}

const notPlaceholder = (_value: string, match: RegExpMatchArray) =>
  !isPlaceholder(matchedValue(match));

export const manifestRules: readonly RegexRule[] = [
  manifest({
    id: 'private-key',
    keywords: ['private key-----'],
    what: 'a private key block',
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/g,
  }),
  manifest({
    id: 'aws-access-key-id',
    keywords: ['akia', 'asia'],
    what: 'an AWS access key id',
    pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g,
  }),
  manifest({
    id: 'aws-secret-access-key',
    keywords: ['aws_secret_access_key'],
    what: 'an AWS secret access key',
    pattern: /aws_secret_access_key\s*[=:]\s*\S{20,}/gi,
  }),
  manifest({
    id: 'kubeconfig-credential',
    keywords: ['token', 'client-key-data'],
    what: 'a kubeconfig credential (token or client key)',
    pattern: /^\s*(token|client-key-data)\s*:\s*\S{16,}/gm,
  }),
  manifest({
    id: 'env-credential',
    keywords: ['password', 'passwd', 'secret', 'token', 'apikey', 'api_key'],
    what: 'a credential in an env value',
    pattern:
      /name:\s*["']?[A-Za-z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY)[A-Za-z0-9_]*["']?[ \t]*\r?\n[ \t]*value:[ \t]*["']?([^\s"']{6,})/gi,
    validate: notPlaceholder,
  }),
  manifest({
    id: 'credential-key',
    keywords: ['password', 'passwd', 'apikey', 'api_key', 'api-key', 'secret', 'auth', 'access'],
    what: 'a password, token or API key value',
    pattern:
      /^[\s-]*["']?[A-Za-z0-9_.-]*(password|passwd|api[_-]?key|secret[_-]?key|client[_-]?secret|auth[_-]?token|access[_-]?token)["']?[ \t]*[:=][ \t]*["']?([^\s"'#]{6,})/gim,
    // Strimzi's passwordSecret.password names the key inside a Secret: `password: password`.
    validate: (_value, m) =>
      !isPlaceholder(m[2] ?? '') &&
      !(m[2] ?? '').toLowerCase().includes((m[1] ?? '').toLowerCase()),
  }),
  manifest({
    id: 'docker-config',
    keywords: ['.dockerconfigjson', '"auths"'],
    what: 'docker registry credentials (.dockerconfigjson)',
    pattern:
      /(\.dockerconfigjson[ \t]*:[ \t]*[^\s|>]{8,}|"auths"\s*:\s*\{[\s\S]{0,400}?"(auth|password)"\s*:\s*"[^"]{4,}")/g,
  }),
];
