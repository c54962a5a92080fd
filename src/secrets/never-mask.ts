/**
 * Values the runbook and docs/ecr-manifest.md need, which no airgap rule may mask: sha256
 * digests, image references and ECR URIs (with their account ids), ARNs, resourceVersions. The
 * rest (Kubernetes uids, git commit ids, bundle ids, file checksums) match no rule by shape: only
 * a sensitive key (`client_secret: <uuid>`) makes such a value secret. Provider rules (gitleaks)
 * have shapes none of these can take; this guard is for the broad rules and for known values.
 */
const NEVER = [
  /^sha256:[a-f0-9]{64}$/,
  /^arn:aws[\w-]{0,20}:/,
  /^\d{12}\.dkr\.ecr\.[a-z0-9-]{1,30}\.amazonaws\.com(?:\.cn)?(?:[/:@]|$)/,
  /^[a-z0-9][\w.-]{0,250}(?:\/[\w.-]{1,250}){0,10}@sha256:[a-f0-9]{64}$/,
  /^\d{1,20}$/,
];

export function isNeverMasked(value: string): boolean {
  return NEVER.some((p) => p.test(value));
}
