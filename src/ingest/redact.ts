/** What the runbook says about a mask: its kind and where it was. */
export interface Masking {
  kind: string;
  count: number;
}

const MASK = (kind: string) => `[REDACTED:${kind}]`;

/** Each rule has a cheap test first: most lines hold no secret at all. */
const inlineRules: ReadonlyArray<{
  kind: string;
  hint: RegExp;
  pattern: RegExp;
  replace: (...groups: string[]) => string;
}> = [
  {
    kind: 'private-key',
    hint: /PRIVATE KEY/,
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----/g,
    replace: () => MASK('private-key'),
  },
  {
    kind: 'aws-access-key-id',
    hint: /AKIA|ASIA/,
    pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
    replace: () => MASK('aws-access-key-id'),
  },
  {
    kind: 'aws-secret',
    hint: /ecret|ession|SECRET|SESSION/,
    pattern:
      /((?:aws_secret_access_key|aws_session_token|SecretAccessKey|SessionToken|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)["']?\s*[:=]\s*["']?)([A-Za-z0-9/+=]{16,})/g,
    replace: (_m, key) => `${key}${MASK('aws-secret')}`,
  },
  {
    kind: 'jwt',
    hint: /eyJ/,
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
    replace: () => MASK('jwt'),
  },
  {
    kind: 'bearer-token',
    hint: /earer|EARER/,
    pattern: /\b(Bearer\s+)(?!\[REDACTED)[A-Za-z0-9\-._~+/]{8,}=*/gi,
    replace: (_m, p) => `${p}${MASK('bearer-token')}`,
  },
  {
    kind: 'url-password',
    hint: /:\/\//,
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi,
    replace: (_m, a, _p, c) => `${a}${MASK('url-password')}${c}`,
  },
  {
    kind: 'password',
    hint: /pass|pwd|PASS|PWD|Pass|Pwd/,
    pattern: /\b((?:password|passwd|pwd)\s*[=:]\s*)(?!\[REDACTED)("[^"]+"|'[^']+'|[^\s"',;&]+)/gi,
    replace: (_m, key) => `${key}${MASK('password')}`,
  },
];

/**
 * Masks secrets line by line. Stateful for what spans lines: private key blocks, and the
 * `data:` / `stringData:` maps of Secret objects as `kubectl get secret -o yaml` prints them.
 */
export class Redactor {
  readonly counts = new Map<string, number>();
  private inPrivateKey = false;
  private secretMapIndent = -1;
  private secretMapIsData = false;

  constructor(private readonly enabled = true) {}

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  private count(kind: string, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  /** Returns the masked line and how many values were masked in it. */
  line(text: string): { text: string; masked: number } {
    if (!this.enabled) return { text, masked: 0 };
    const before = this.total;
    let line = text;
    if (this.inPrivateKey) {
      if (/-----END [A-Z ]*PRIVATE KEY-----/.test(line)) this.inPrivateKey = false;
      return { text: MASK('private-key'), masked: 0 };
    }
    if (
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(line) &&
      !/-----END [A-Z ]*PRIVATE KEY-----/.test(line)
    ) {
      this.inPrivateKey = true;
      this.count('private-key');
      return { text: MASK('private-key'), masked: 1 };
    }
    line = this.secretMap(line);
    for (const rule of inlineRules) {
      if (!rule.hint.test(line)) continue;
      rule.pattern.lastIndex = 0;
      line = line.replace(rule.pattern, (...args: unknown[]) => {
        this.count(rule.kind);
        return rule.replace(...(args.slice(0, -2) as string[]));
      });
    }
    return { text: line, masked: this.total - before };
  }

  private secretMap(line: string): string {
    if (this.secretMapIndent < 0 && !line.includes('ata:')) return line;
    const indent = line.length - line.trimStart().length;
    if (this.secretMapIndent >= 0) {
      const child = /^(\s+)([\w.-]+):\s*(.*)$/.exec(line);
      if (child && indent > this.secretMapIndent) {
        const value = child[3] ?? '';
        const looksSecret = this.secretMapIsData
          ? /^[A-Za-z0-9+/=]{4,}$/.test(value)
          : value !== '';
        if (looksSecret) {
          this.count('secret-data');
          return `${child[1]}${child[2]}: ${MASK('secret-data')}`;
        }
        return line;
      }
      this.secretMapIndent = -1;
    }
    const opener = /^(\s*)(data|stringData):\s*$/.exec(line);
    if (opener) {
      this.secretMapIndent = opener[1]?.length ?? 0;
      this.secretMapIsData = opener[2] === 'data';
    }
    return line;
  }
}
