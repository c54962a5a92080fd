import yaml from 'js-yaml';
import { grouped } from '../util/format.js';
import { expandsBeyond, MAX_ALIAS_EXPANSION } from './alias-expansion.js';
import { documentLines, listItemLines } from './document-lines.js';
import {
  ANNOTATION_LIMIT,
  isKustomizationPath,
  kustomizationObject,
  type ManifestObject,
  manifestObject,
} from './manifest-objects.js';
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

export interface ManifestScan {
  problems: ContentProblem[];
  images: string[];
  isKubernetes: boolean;
  objects: ManifestObject[];
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
