import yaml from 'js-yaml';
import { grouped } from '../util/format.js';
import { globMatcher } from '../util/glob.js';
import { type CredentialDetector, credentialDetector } from './credentials.js';
import { collectOperatorImages, isListKind } from './operator-images.js';
import { classifySecret } from './secret-objects.js';
import { type SimpleYaml, simpleLoadAll } from './simple-yaml.js';
import { skeletonLoadAll } from './yaml-skeleton.js';

/** A problem found in a file's content, with the line to look at. */
export interface ContentProblem {
  path: string;
  line: number;
  message: string;
  /**
   * Secrets and credentials can be allowed by the spec; YAML errors cannot. A `warning` does not
   * block: a Secret that holds no credential ships, named in the bundle's warnings.
   */
  kind: 'yaml' | 'manifest' | 'secret' | 'warning';
}

/** What the default plan needs to know of each Kubernetes document to order the applies. */
export interface ManifestObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  /** For a CustomResourceDefinition: the `<group>/<kind>` it defines. */
  defines?: string;
  /** Its JSON is too large for the annotation client-side apply writes (server-side it goes). */
  oversized?: true;
  /** For a kustomization file: what `kubectl apply -k` builds from it. */
  kustomize?: { resources: string[]; namespace?: string };
}

/**
 * What the API server allows in metadata.annotations: client-side apply copies the whole
 * object there as JSON (kubectl.kubernetes.io/last-applied-configuration).
 */
export const ANNOTATION_LIMIT = 262_144;
const LAST_APPLIED_KEY = 'kubectl.kubernetes.io/last-applied-configuration';

const KUSTOMIZATION_NAMES = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

export function isKustomizationPath(path: string): boolean {
  return KUSTOMIZATION_NAMES.test(path);
}

export interface ManifestScan {
  problems: ContentProblem[];
  images: string[];
  isKubernetes: boolean;
  objects: ManifestObject[];
}

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

export { isYamlPath } from './names.js';

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

/** Collects every string under a key named `image`: containers, initContainers, Strimzi CRs. */
export function collectImages(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectImages(item, into);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'image' && typeof value === 'string' && value.trim()) into.add(value.trim());
      else collectImages(value, into);
    }
  }
}

/**
 * How many nodes aliases may add to one document. js-yaml shares an aliased node instead of
 * copying it, so loading stays linear, but anything that walks the result (image collection,
 * kubectl on the bastion) meets every expansion: a few hundred bytes of nested aliases expand
 * to billions of nodes.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/** Distinct objects and arrays in a loaded document (shared, aliased ones counted once). */
function distinctNodes(root: unknown): number {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    stack.push(...(Array.isArray(node) ? node : Object.values(node)));
  }
  return seen.size;
}

/** True when walking the document as a tree visits more than `budget` extra nodes. */
function expandsBeyond(root: unknown, budget: number): boolean {
  const limit = distinctNodes(root) + budget;
  let visits = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    if (++visits > limit) return true;
    stack.push(...(Array.isArray(node) ? node : Object.values(node)));
  }
  return false;
}

/**
 * The first content line of each document, as js-yaml splits them: a `---` that follows only
 * comments and blank lines opens the first document rather than a second one.
 */
export function documentLines(text: string): number[] {
  const starts: number[] = [];
  let content = false;
  let start = 1;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (/^---(\s|$)/.test(line)) {
      if (content) starts.push(start);
      content = false;
      start = i + 2;
      if (/^---\s+\S/.test(line) && !/^---\s+#/.test(line)) {
        content = true;
        start = i + 1;
      }
    } else if (!content && /^\s*(#|%|$)/.test(line)) {
      start = i + 2;
    } else if (!content) {
      content = true;
    }
  });
  starts.push(start);
  return starts;
}

/** Parses every document of a YAML file and checks what Kubernetes needs of each. */
export function scanManifest(
  path: string,
  text: string,
  /** js-yaml alone, as before simple-yaml.ts: what the differential test compares with. */
  options: { jsYamlOnly?: boolean } = {},
): ManifestScan {
  const problems: ContentProblem[] = [];
  const images = new Set<string>();
  let documents: unknown[];
  let simple: SimpleYaml | undefined;
  const mayAlias = mayHoldAliases(text);
  const mayBeOversized = mayHoldOversized(text);
  const mayHoldImages = mayHoldImageKeys(text);
  try {
    // Generated manifests are mostly the plainest YAML: loaded without js-yaml, to the same
    // values (simple-yaml.ts declines anything else, and js-yaml then loads or refuses it).
    simple = options.jsYamlOnly
      ? undefined
      : loadPlainest(path, text, isKustomizationPath(path) || mayHoldImages || mayBeOversized);
    documents = simple?.documents ?? yaml.loadAll(text, undefined, { filename: path });
  } catch (error) {
    const mark = (error as { mark?: { line: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? 'cannot parse';
    problems.push({
      path,
      line: (mark?.line ?? 0) + 1,
      kind: 'yaml',
      message: `invalid YAML: ${reason}`,
    });
    return { problems, images: [], isKubernetes: false, objects: [] };
  }
  const starts = simple?.lines ?? documentLines(text);
  // Split only for a file that needs a line of its own (a Secret's key, a List's item): most
  // never do, and a line array per file was a good part of the scan's garbage.
  let split: string[] | undefined;
  const textLines = () => (split ??= text.split('\n'));
  let isKubernetes = false;
  const objects: ManifestObject[] = [];
  documents.forEach((value, index) => {
    const line = starts[index] ?? 1;
    if (mayAlias && expandsBeyond(value, MAX_ALIAS_EXPANSION)) {
      problems.push({
        path,
        line,
        kind: 'yaml',
        message: `document ${index + 1} expands its YAML aliases by more than ${grouped(MAX_ALIAS_EXPANSION)} nodes (an alias bomb); write the values out`,
      });
      return;
    }
    if (!isObject(value)) return;
    // kustomize reads a kustomization without apiVersion or kind; kubectl -f cannot map it.
    if (isKustomizationPath(path) || value.kind === 'Kustomization') {
      isKubernetes = true;
      objects.push(kustomizationObject(value));
      return;
    }
    if (!('apiVersion' in value) && !('kind' in value)) return;
    isKubernetes = true;
    const isList = isListKind(value.kind);
    let itemLine: ((i: number) => number) | undefined;
    if (isList) {
      let items: number[] | undefined;
      itemLine = (i: number) => {
        items ??= listItemLines(textLines(), line);
        return items[i] ?? line;
      };
    }
    checkObject(problems, path, value, `document ${index + 1}`, line, textLines, itemLine);
    if (mayHoldImages) collectImages(value, images);
    collectOperatorImages(value, images);
    // kubectl applies a List's items, each with its own kind and namespace.
    if (isList && Array.isArray(value.items)) {
      for (const item of value.items) {
        const object = isObject(item) ? manifestObject(item, mayBeOversized) : undefined;
        if (object) objects.push(object);
      }
    } else {
      const object = manifestObject(value, mayBeOversized);
      if (object) objects.push(object);
    }
  });
  return { problems, images: [...images].sort(), isKubernetes, objects };
}

// An alias needs an anchor (`&name`): without a `&` anywhere, nothing can expand.
const mayHoldAliases = (text: string) => text.includes('&');
// JSON is at most a few times the YAML it came from, unless aliases repeat nodes: only a
// large file (or one with anchors) can hold an object over the annotation limit.
const mayHoldOversized = (text: string) =>
  mayHoldAliases(text) || text.length * 4 > ANNOTATION_LIMIT;
// A key named `image` is spelled out, or hidden in a double-quoted escape (`"\x69mage"`).
const mayHoldImageKeys = (text: string) => text.includes('image') || text.includes('\\');

/**
 * The documents of a file in simple-yaml.ts's subset, or undefined outside it (js-yaml's to
 * load). Where scanManifest reads nothing of a document but its skeleton (yaml-skeleton.ts):
 * no kustomization, nothing that may name an image or be oversized, and no document of a kind
 * whose checks read further, the skeletons, which cost a fraction of the whole documents.
 */
export function loadPlainest(
  path: string,
  text: string,
  /** Whether the file may need more than skeletons, whatever its documents' kinds. */
  whole = isKustomizationPath(path) || mayHoldImageKeys(text) || mayHoldOversized(text),
): SimpleYaml | undefined {
  if (whole) return simpleLoadAll(text);
  const skeleton = skeletonLoadAll(text);
  // It declines exactly where simpleLoadAll does: outside the subset, js-yaml's turn.
  if (!skeleton) return undefined;
  return skeleton.documents.every(readsOnlySkeleton) ? skeleton : simpleLoadAll(text);
}

/**
 * Whether scanManifest reads no more of this document than its skeleton. A Secret's data, a
 * KafkaUser's password, a kustomization's resources and namespace, a CRD's group and names are
 * read. A List's items and the containers collectOperatorImages reads are sequences, never in
 * the subset: a List whose items are a mapping reads as its skeleton does.
 */
function readsOnlySkeleton(document: unknown): boolean {
  const { kind } = document as { kind?: unknown };
  return (
    typeof kind !== 'string' ||
    !(
      kindIs(kind, 'secret') ||
      kindIs(kind, 'kafkauser') ||
      kind === 'Kustomization' ||
      kind === 'CustomResourceDefinition'
    )
  );
}

function manifestObject(
  record: Record<string, unknown>,
  mayBeOversized: boolean,
): ManifestObject | undefined {
  const metadata = record.metadata as Record<string, unknown> | undefined;
  if (typeof record.kind !== 'string' || typeof record.apiVersion !== 'string') return undefined;
  const object: ManifestObject = {
    kind: record.kind,
    apiVersion: record.apiVersion,
    name: typeof metadata?.name === 'string' ? metadata.name : '',
  };
  if (typeof metadata?.namespace === 'string') object.namespace = metadata.namespace;
  const spec = record.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
  if (
    record.kind === 'CustomResourceDefinition' &&
    typeof spec?.group === 'string' &&
    typeof spec.names?.kind === 'string'
  )
    object.defines = `${spec.group}/${spec.names.kind}`;
  if (mayBeOversized) {
    const bytes = Buffer.byteLength(JSON.stringify(record)) + LAST_APPLIED_KEY.length;
    if (bytes > ANNOTATION_LIMIT) object.oversized = true;
  }
  return object;
}

function kustomizationObject(record: Record<string, unknown>): ManifestObject {
  const resources = Array.isArray(record.resources)
    ? record.resources.filter((r): r is string => typeof r === 'string')
    : [];
  return {
    kind: 'Kustomization',
    apiVersion: typeof record.apiVersion === 'string' ? record.apiVersion : '',
    name: '',
    kustomize: {
      resources,
      ...(typeof record.namespace === 'string' ? { namespace: record.namespace } : {}),
    },
  };
}

/** The line of each entry of a document's top-level `items:` sequence, in one pass. */
export function listItemLines(lines: readonly string[], documentLine: number): number[] {
  const found: number[] = [];
  let i = documentLine - 1;
  while (i < lines.length && !/^items\s*:/.test(lines[i] ?? '')) {
    if (i > documentLine - 1 && /^---/.test(lines[i] ?? '')) return found;
    i++;
  }
  let indent = -1;
  for (i++; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^(---|\.\.\.)(\s|$)/.test(line)) break;
    if (/^\S/.test(line) && !line.startsWith('- ') && !line.startsWith('#')) break;
    const dash = /^(\s*)- /.exec(line);
    if (!dash) continue;
    const at = dash[1]?.length ?? 0;
    if (indent === -1) indent = at;
    if (at === indent) found.push(i + 1);
  }
  return found;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks one Kubernetes object, and each item of a List (kubectl apply creates every item, a
 * Secret inside a List included). `kind` is compared in any letter case, as the API server
 * resolves it.
 */
function checkObject(
  problems: ContentProblem[],
  path: string,
  object: Record<string, unknown>,
  label: string,
  line: number,
  textLines: () => readonly string[],
  itemLine?: (index: number) => number,
): void {
  const { kind } = object;
  const metadata = object.metadata as Record<string, unknown> | undefined;
  const needsName = !(kind === 'Kustomization' || isListKind(kind));
  const hasAll =
    typeof object.apiVersion === 'string' &&
    typeof kind === 'string' &&
    (!needsName || typeof metadata?.name === 'string');
  // The list of what is missing is built only when something is: not for every document.
  const missing = hasAll
    ? []
    : [
        typeof object.apiVersion === 'string' ? undefined : 'apiVersion',
        typeof kind === 'string' ? undefined : 'kind',
        !needsName || typeof metadata?.name === 'string' ? undefined : 'metadata.name',
      ].filter((key): key is string => key !== undefined);
  if (missing.length) {
    problems.push({
      path,
      line,
      kind: 'manifest',
      message: `Kubernetes ${label} lacks ${missing.join(', ')}: add ${missing.length > 1 ? 'them' : 'it'}`,
    });
  }
  if (kindIs(kind, 'secret')) {
    const verdict = classifySecret(object, line, textLines());
    problems.push({
      path,
      line: verdict.line,
      kind: verdict.decision === 'refuse' ? 'secret' : 'warning',
      message: verdict.message,
    });
  }
  if (isListKind(kind) && Array.isArray(object.items)) {
    object.items.forEach((item, i) => {
      const at = itemLine?.(i) ?? line;
      if (isObject(item))
        checkObject(problems, path, item, `item ${i + 1} of ${label}`, at, textLines);
    });
  }
  const kafkaPassword = (object.spec as { authentication?: { password?: { value?: unknown } } })
    ?.authentication?.password?.value;
  if (kindIs(kind, 'kafkauser') && kafkaPassword !== undefined) {
    problems.push({
      path,
      line,
      kind: 'secret',
      message: `${label} is a KafkaUser with spec.authentication.password.value; use password.valueFrom.secretKeyRef`,
    });
  }
}

/**
 * Whether `kind` is `lower` in any letter case. Only İ changes length when lower-cased (to i
 * and a dot), and neither word holds an i: a kind of another length cannot be either, and is
 * not lower-cased (an allocation per document).
 */
function kindIs(kind: unknown, lower: 'secret' | 'kafkauser'): kind is string {
  return typeof kind === 'string' && kind.length === lower.length && kind.toLowerCase() === lower;
}
