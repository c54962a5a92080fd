import { isAscii } from 'node:buffer';
import { LineFilter } from '../secrets/index.js';
import { manifestRules } from './credential-rules.js';
import {
  base64Runs,
  isBase64Char,
  MIN_BASE64_RUN,
  mayDecodeToText,
  providerRules,
} from './credentials.js';

/**
 * The scan cache's screen (scan-cache.ts): whether a file's text could hold anything bundle's
 * credential rules or a Secret check would refuse. A cached verdict is used only when it says
 * no, so an edited or stale cache can make a scan faster, never let a credential through.
 */

let screenFilter: LineFilter | undefined;

/**
 * Whether any credential rule could find something in `text`: a keyword of one of bundle's
 * rules (or `secret`, which a Secret manifest holds), or a base64 run that may decode to text.
 * False means no rule can: a cached verdict for this content is then as good as a fresh scan.
 * It may say true needlessly, never false wrongly.
 */
export function mayHoldCredential(text: string): boolean {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  return screen().flagged(body).starts.length > 0 || base64Runs(text).length > 0;
}

function screen(): LineFilter {
  screenFilter ??= new LineFilter(
    [...manifestRules, ...providerRules.map((p) => p.rule)].flatMap(
      (r) => r.filterKeywords ?? r.keywords,
    ),
    // A Secret's kind is spelled out, or hidden in a double-quoted escape (`"\x53ecret"`).
    ['secret', '\\'],
  );
  return screenFilter;
}

/**
 * The same answer for a file's bytes as they came from git, and false for binary (a NUL byte:
 * never scanned): a warm bundle screens every cached file, and joining its chunks and decoding
 * them cost more than the screen. ASCII needs neither (offsets and letters are the same in the
 * bytes); anything else is decoded and screened as text.
 */
export function mayHoldCredentialBytes(chunks: readonly Buffer[]): boolean {
  if (chunks.some((chunk) => chunk.includes(0))) return false;
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  if (!isAscii(bytes)) return mayHoldCredential(bytes.toString('utf8'));
  const last = bytes.length ? bytes[bytes.length - 1] : 10;
  // The text form ends the last line with a \n, which flags a blank before it.
  if (last === 32 || last === 9) return true;
  return screen().flaggedBytes(bytes, bytes.length).starts.length > 0 || hasBase64Run(bytes);
}

/** Whether base64Runs would find a run in these ASCII bytes. */
function hasBase64Run(bytes: Uint8Array): boolean {
  let start = -1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && isBase64Char(bytes[i] as number)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= MIN_BASE64_RUN && mayDecodeToText(bytes, start, i)) return true;
    start = -1;
  }
  return false;
}

/**
 * What a Secret or a KafkaUser refusal (manifests.ts, from the parsed YAML: its kind compared
 * lower-cased) needs in the text: the kind spelled out in any case, or hidden in a
 * double-quoted escape. YAML has no other way to spell a scalar; the u flag also folds the
 * Kelvin sign to k (which toLowerCase does too) and ſ to s (which it does not: needlessly).
 */
const YAML_REFUSAL = /secret|kafkauser|\\/iu;

/**
 * For a YAML file the screen flagged: whether its cached YAML-derived verdict (objects, images,
 * Kubernetes checks) could hide a refusal. False means only the credential rules need to run
 * again over the text: a keyword such as `aced` in `Namespaced` or `auth` in
 * `rbac.authorization.k8s.io` then costs the credential pass, not a YAML parse.
 */
export function mayHoldYamlRefusal(text: string): boolean {
  return YAML_REFUSAL.test(text);
}
