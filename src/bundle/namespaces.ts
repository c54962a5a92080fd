import type { UnsetNamespace } from '../model/unset-namespaces.js';
import { shellQuote } from '../util/shell-quote.js';
import type { ManifestObject } from './manifest-objects.js';

/**
 * Built-in kinds that have no namespace (`kubectl api-resources --namespaced=false`). Every
 * other kind, a CRD's unless the bundle defines it `scope: Cluster`, is taken as namespaced,
 * as kustomize takes it.
 */
export const CLUSTER_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'PersistentVolume',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'IngressClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'RuntimeClass',
  'CertificateSigningRequest',
  'Node',
]);

/** The kinds without a namespace: the built-in ones and those of the bundle's Cluster CRDs. */
export function clusterKinds(
  manifests: ReadonlyMap<string, readonly ManifestObject[]>,
): ReadonlySet<string> {
  const kinds = new Set(CLUSTER_KINDS);
  for (const objects of manifests.values())
    for (const o of objects)
      if (o.definesClusterScoped && o.defines)
        kinds.add(o.defines.slice(o.defines.indexOf('/') + 1));
  return kinds;
}

/** How a file's objects are placed in namespaces, for the default plan and its warning. */
export interface NamespaceUse {
  /** Namespaced objects without metadata.namespace: kubectl puts them in -n, else the context's. */
  bare: number;
  /** The namespaces its objects name themselves. */
  explicit: string[];
  /** The namespaces its bindings and webhooks name (refersTo). */
  referred: string[];
}

export function namespaceUse(
  objects: readonly ManifestObject[],
  cluster: ReadonlySet<string>,
): NamespaceUse {
  const namespaced = objects.filter((o) => !o.kustomize && !cluster.has(o.kind));
  return {
    bare: namespaced.filter((o) => o.namespace === undefined).length,
    explicit: [...new Set(namespaced.flatMap((o) => (o.namespace ? [o.namespace] : [])))].sort(),
    referred: [...new Set(objects.flatMap((o) => o.refersTo ?? []))].sort(),
  };
}

/** The objects as kubectl places them with `-n <namespace>`. */
export function withNamespace(
  objects: readonly ManifestObject[],
  cluster: ReadonlySet<string>,
  namespace: string,
): ManifestObject[] {
  return objects.map((o) =>
    o.kustomize || cluster.has(o.kind) || o.namespace !== undefined ? o : { ...o, namespace },
  );
}

/**
 * The first step when the spec's namespace is created by no file of the bundle: idempotent, so
 * a re-run or a rollback where it exists already goes on (kubectl apply: unchanged).
 */
export function createNamespaceStep(namespace: string) {
  return {
    name: `Create namespace ${namespace}`,
    run: `kubectl create namespace ${shellQuote(namespace)} --dry-run=client -o yaml | kubectl apply -f -`,
    block: `Create namespace ${namespace}`,
  };
}

/**
 * The files applied as they are whose namespaced objects have no namespace, with the
 * namespaces their bindings and webhooks name (else those the whole bundle's name).
 */
export function unsetNamespaces(
  // A plan item's fields (plan-items.ts imports this file: no type import back).
  items: ReadonlyArray<{ path: string; kustomize: boolean; objects: readonly ManifestObject[] }>,
  cluster: ReadonlySet<string>,
): UnsetNamespace[] {
  const files = items.filter((i) => !i.kustomize);
  const uses = files.map((i) => namespaceUse(i.objects, cluster));
  const anywhere = [...new Set(uses.flatMap((u) => u.referred))].sort();
  return files.flatMap((item, n) => {
    const use = uses[n]!;
    if (!use.bare) return [];
    const named = use.referred.length ? use.referred : anywhere;
    return [{ file: item.path, objects: use.bare, named }];
  });
}

/**
 * With the spec's namespace: the files whose own ServiceAccounts or Services go there while
 * their bindings or webhooks name them in another namespace (an install made for `argocd`,
 * applied with `-n gitops`: the bindings grant nothing, the webhooks reach nothing). A binding
 * of another install's ServiceAccount names no object of the file, and says nothing.
 */
export function mismatchedNamespaces(
  items: ReadonlyArray<{ path: string; kustomize: boolean; objects: readonly ManifestObject[] }>,
  cluster: ReadonlySet<string>,
  namespace: string,
): UnsetNamespace[] {
  return items.flatMap((item) => {
    if (item.kustomize) return [];
    const placed = item.objects.filter((o) => !cluster.has(o.kind) && o.namespace === namespace);
    const own = new Set(placed.map((o) => `${o.kind} ${o.name}`));
    const named = new Set<string>();
    for (const o of item.objects)
      for (const ref of o.refersToObjects ?? []) {
        const [kind, where] = ref.split(' ') as [string, string];
        const slash = where.indexOf('/');
        const ns = where.slice(0, slash);
        if (ns !== namespace && own.has(`${kind} ${where.slice(slash + 1)}`)) named.add(ns);
      }
    if (!named.size) return [];
    return [{ file: item.path, objects: placed.length, named: [...named].sort(), into: namespace }];
  });
}

/**
 * Without the spec's namespace, the files whose objects go to the current one; with it, those
 * whose bindings or webhooks name their own objects elsewhere.
 */
export function namespaceWarnings(
  items: Parameters<typeof unsetNamespaces>[0],
  cluster: ReadonlySet<string>,
  namespace: string | undefined,
): UnsetNamespace[] {
  return namespace
    ? mismatchedNamespaces(items, cluster, namespace)
    : unsetNamespaces(items, cluster);
}
