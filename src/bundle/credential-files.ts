import { globMatcher } from '../util/glob.js';
import type { CredentialDetector } from './credential-finding.js';
import { credentialDetector } from './credentials.js';
import type { ContentProblem } from './manifests.js';

/** Names that mark a file as a credential whatever it holds. */
export const CREDENTIAL_NAME_GLOBS: readonly string[] = [
  '**/.env',
  '**/.env.*',
  '**/*.env',
  '**/.docker/config.json',
  '**/*.dockerconfigjson',
  '**/*.pem',
  '**/*.key',
  '**/id_rsa*',
  '**/id_ed25519*',
  '**/id_ecdsa*',
  '**/kubeconfig*',
  '**/.kube/config',
  '**/.aws/credentials',
  '**/*.p12',
  '**/*.pfx',
];
const credentialGlobs = globMatcher(CREDENTIAL_NAME_GLOBS, { dot: true, nocase: true });

/**
 * A word that every name the globs above match holds (ASCII, case-insensitive as the globs
 * are: a regex without the u flag folds case the same way as picomatch's). A name without one
 * cannot match, so the globs are asked only for the few that have one: the scan asks this for
 * every file, 50,000 times on a large tree. Keep it in step with the globs
 * (manifests.test.ts compares the two on many names).
 */
const CREDENTIAL_WORDS = /env|config|pem|key|id_|credentials|p12|pfx/i;

function credentialNames(path: string): boolean {
  return CREDENTIAL_WORDS.test(path) && credentialGlobs(path);
}

/** Whether a file's name alone marks it as a credential (`.env`, `id_rsa`, `*.pem`…). */
export function isCredentialName(path: string): boolean {
  return credentialNames(path);
}

/** Looks at a file's name and text for credentials; returns one problem per finding. */
export function scanForCredentials(
  path: string,
  text: string | undefined,
  detector: CredentialDetector = credentialDetector,
): ContentProblem[] {
  const problems: ContentProblem[] = [];
  if (credentialNames(path)) {
    problems.push({ path, line: 1, kind: 'secret', message: 'file name looks like a credential' });
  }
  if (text === undefined) return problems;
  for (const finding of detector.findSecrets(text)) {
    problems.push({ path, line: finding.line, kind: 'secret', message: `holds ${finding.what}` });
  }
  return problems;
}
