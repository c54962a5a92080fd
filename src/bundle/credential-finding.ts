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
