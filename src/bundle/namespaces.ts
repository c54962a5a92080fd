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
