import yaml from 'js-yaml';
import picomatch from 'picomatch';

/** A problem found in a file's content, with the line to look at. */
export interface ContentProblem {
  path: string;
  line: number;
  message: string;
  /** Secrets and credentials can be allowed by the spec; YAML errors cannot. */
  kind: 'yaml' | 'manifest' | 'secret';
}

/** What the default plan needs to know of each Kubernetes document to order the applies. */
export interface ManifestObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  /** For a CustomResourceDefinition: the `<group>/<kind>` it defines. */
  defines?: string;
}

export interface ManifestScan {
  problems: ContentProblem[];
  images: string[];
  isKubernetes: boolean;
  objects: ManifestObject[];
}

const credentialNames = picomatch(
  [
    '**/.env',
    '**/.env.*',
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
  ],
  { dot: true, nocase: true },
);

const credentialPatterns: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key block'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/aws_secret_access_key\s*[=:]\s*\S{20,}/i, 'an AWS secret access key'],
  [/^\s*(token|client-key-data)\s*:\s*\S{16,}/m, 'a kubeconfig credential (token or client key)'],
];

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Looks at a file's name and text for credentials; returns one problem per finding. */
export function scanForCredentials(path: string, text: string | undefined): ContentProblem[] {
  const problems: ContentProblem[] = [];
  if (credentialNames(path)) {
    problems.push({ path, line: 1, kind: 'secret', message: 'file name looks like a credential' });
  }
  if (text === undefined) return problems;
  for (const [pattern, what] of credentialPatterns) {
    const match = pattern.exec(text);
    if (match) {
      problems.push({
        path,
        line: lineAt(text, match.index),
        kind: 'secret',
        message: `holds ${what}`,
      });
    }
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

function documentStartLines(text: string): number[] {
  const starts = [1];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (/^---(\s|$)/.test(line) && i > 0) starts.push(i + 2);
  });
  if (/^---(\s|$)/.test(lines[0] ?? '')) starts[0] = 2;
  return starts;
}

/** Parses every document of a YAML file and checks what Kubernetes needs of each. */
export function scanManifest(path: string, text: string): ManifestScan {
  const problems: ContentProblem[] = [];
  const images = new Set<string>();
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text, undefined, { filename: path });
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
  const objects: ManifestObject[] = [];
  const starts = documentStartLines(text);
  let isKubernetes = false;
  documents.forEach((doc, index) => {
    if (doc === null || doc === undefined || typeof doc !== 'object' || Array.isArray(doc)) return;
    const record = doc as Record<string, unknown>;
    if (!('apiVersion' in record) && !('kind' in record)) return;
    isKubernetes = true;
    const line = starts[index] ?? 1;
    const metadata = record.metadata as Record<string, unknown> | undefined;
    const missing = [
      typeof record.apiVersion === 'string' ? undefined : 'apiVersion',
      typeof record.kind === 'string' ? undefined : 'kind',
      record.kind === 'Kustomization' || typeof metadata?.name === 'string'
        ? undefined
        : 'metadata.name',
    ].filter((key): key is string => key !== undefined);
    if (missing.length) {
      problems.push({
        path,
        line,
        kind: 'manifest',
        message: `Kubernetes document ${index + 1} lacks ${missing.join(', ')}: add ${missing.length > 1 ? 'them' : 'it'}`,
      });
    }
    if (record.kind === 'Secret') {
      problems.push({
        path,
        line,
        kind: 'secret',
        message: `document ${index + 1} is a kind: Secret; create Secrets on the cluster, not from git`,
      });
    }
    collectImages(record, images);
    const object = manifestObject(record);
    if (object) objects.push(object);
  });
  return { problems, images: [...images].sort(), isKubernetes, objects };
}

function manifestObject(record: Record<string, unknown>): ManifestObject | undefined {
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
  return object;
}
