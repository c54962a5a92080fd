import { NAMESPACE_MAX, NAMESPACE_NAME } from '../model/spec-rules.js';

/** What the default plan needs to know of each Kubernetes document to order the applies. */
export interface ManifestObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  /** For a CustomResourceDefinition: the `<group>/<kind>` it defines. */
  defines?: string;
  /** For a CustomResourceDefinition of `scope: Cluster`: its objects have no namespace. */
  definesClusterScoped?: true;
  /**
   * The namespaces a binding's ServiceAccount subjects, or a webhook's or APIService's
   * service, name: where an install expects its objects without a namespace to be.
   */
  refersTo?: string[];
  /** The same, as `<Kind> <namespace>/<name>` of each ServiceAccount or Service it names. */
  refersToObjects?: string[];
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

/** The ManifestObject of one document (or List item) that has a kind and apiVersion. */
export function manifestObject(
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
  if (
    record.kind === 'CustomResourceDefinition' &&
    (spec as { scope?: unknown })?.scope === 'Cluster'
  )
    object.definesClusterScoped = true;
  const referred = referredObjects(record);
  if (referred.length) {
    object.refersTo = [...new Set(referred.map((r) => r.namespace))].sort();
    object.refersToObjects = referred.map((r) => `${r.kind} ${r.namespace}/${r.name}`).sort();
  }
  if (mayBeOversized) {
    const bytes = Buffer.byteLength(JSON.stringify(record)) + LAST_APPLIED_KEY.length;
    if (bytes > ANNOTATION_LIMIT) object.oversized = true;
  }
  return object;
}

/** A kustomization file: what `kubectl apply -k` builds from it. */
export function kustomizationObject(record: Record<string, unknown>): ManifestObject {
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

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The ServiceAccount subjects of a binding, and the service of a webhook or an APIService. */
function referredObjects(
  record: Record<string, unknown>,
): Array<{ kind: string; namespace: string; name: string }> {
  const found: Array<{ kind: string; namespace: string; name: string }> = [];
  // Only names a spec's `namespace:` accepts: the text reaches warnings, the runbook's quoted
  // notes and the advice `set namespace: <it>` (a newline there ended the quote).
  const add = (kind: string, v: Record<string, unknown>) => {
    const ns = v.namespace;
    if (typeof ns === 'string' && ns.length <= NAMESPACE_MAX && NAMESPACE_NAME.test(ns))
      found.push({ kind, namespace: ns, name: typeof v.name === 'string' ? v.name : '' });
  };
  if (record.kind === 'ClusterRoleBinding' || record.kind === 'RoleBinding') {
    for (const s of Array.isArray(record.subjects) ? record.subjects : [])
      if (isRecord(s) && s.kind === 'ServiceAccount') add('ServiceAccount', s);
  } else if (/^(Validating|Mutating)WebhookConfiguration$/.test(String(record.kind))) {
    for (const w of Array.isArray(record.webhooks) ? record.webhooks : [])
      if (isRecord(w) && isRecord(w.clientConfig) && isRecord(w.clientConfig.service))
        add('Service', w.clientConfig.service);
  } else if (record.kind === 'APIService' && isRecord(record.spec) && isRecord(record.spec.service))
    add('Service', record.spec.service);
  return found;
}
