/**
 * The bundle spec's rules that are not zod's: the schema (spec.ts) and the zod-free check a
 * first bundle uses (spec-check.ts) share them, so the two cannot drift apart.
 */

/** A Kubernetes namespace name (an RFC 1123 label), at most NAMESPACE_MAX characters. */
export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const NAMESPACE_MAX = 63;
export const SLUG = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** AWS region names; anything else cannot be a region and must not reach a shell. */
export const REGION_PATTERN = /^[a-z0-9-]+$/;
/** S3's bucket naming rules (general purpose buckets): length 3 to 63 and these. */
export const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
export const noDoubleDot = (bucket: string): boolean => !bucket.includes('..');
export const notIpAddress = (bucket: string): boolean => !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
export const notReservedBucket = (bucket: string): boolean =>
  !/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket) &&
  !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(bucket);
/**
 * The key prefix reaches PASTE.md blocks and shell lines: a newline there would put a bare
 * line into a pasted block, so control characters are refused.
 */
export const PREFIX_PATTERN = /^[^\x00-\x1f\x7f]*$/;
/** A plain endpoint URL: scheme, host, optional port and path; no user, query or spaces. */
export const ENDPOINT_PATTERN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/;
/** A registry host as an image reference names it: `quay.io`, `registry.local:5000`. */
export const REGISTRY_HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;
/** A step or observe name becomes a heading: one line. */
export const ONE_LINE = /^[^\n\r]*$/;

/**
 * A change an observe command would make to the cluster: it must only read. A guard against a
 * slip (an `apply` pasted into the wrong list), not a sandbox.
 */
export const MUTATING =
  /\bkubectl\b[^|;&\n]*?\s(apply|create|delete|patch|replace|edit|scale|annotate|label|drain|cordon|uncordon|taint|set|cp|exec|run|expose|autoscale|rollout\s+(?:restart|undo|pause|resume))(?=\s|$)|\bhelm\s+(install|upgrade|uninstall|delete|rollback)\b/;

/**
 * Lengths of the spec's texts that still work on the far side: a description is one line of
 * the runbook, a step name a PASTE.md heading, a command one pasted terminal line (a tty's
 * canonical line buffer holds 4,096 bytes). Above `soft` airgap warns; above `hard` the spec is
 * refused with its line.
 */
export const SPEC_TEXT_LIMITS = {
  description: { soft: 200, hard: 2000 },
  stepName: { soft: 72, hard: 200 },
  command: { soft: 1024, hard: 4000 },
} as const;

/** The longest bundle name: marker lines stay under 80 columns. */
export const NAME_MAX = 24;
/** An allowSecrets entry's reason is at least this long. */
export const REASON_MIN = 10;
