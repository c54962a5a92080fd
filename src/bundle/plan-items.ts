import { posix } from 'node:path';
import type { BundleFile } from '../model/record.js';
import { globMatcher } from '../util/glob.js';
import { isKustomizationPath, type ManifestObject } from './manifest-objects.js';
import { clusterKinds, namespaceUse, withNamespace } from './namespaces.js';

/**
 * What the default plan applies: one manifest file (`-f <file>`), or a whole kustomization
 * directory (`-k <dir>`), with what it creates and needs from the rest of the bundle.
 */
export interface PlanItem {
  /** The file, or the kustomization's directory. */
  path: string;
  kustomize: boolean;
  glob: number;
  rank: number;
  objects: readonly ManifestObject[];
  /** Namespaces and CRDs it creates. */
  provides: string[];
  /** Namespaces and CRDs its objects need that an item of the bundle creates (itself included). */
  needs: string[];
  /** Why it goes server-side, when it must. */
  serverSide?: string;
  /** Applied with `-n <spec namespace>`: it has namespaced objects without a namespace. */
  namespaced?: true;
}

/**
 * The order Helm and kapp apply kinds in, so that what an object needs exists before it:
 * namespaces, CRDs, identities and policies, configuration, Strimzi clusters, then what
 * lives in them, services, workloads, and jobs last. Unknown kinds go with the workloads.
 */
const KIND_ORDER: ReadonlyArray<readonly string[]> = [
  ['Namespace'],
  ['CustomResourceDefinition'],
  [
    'ServiceAccount',
    'ClusterRole',
    'ClusterRoleBinding',
    'Role',
    'RoleBinding',
    'NetworkPolicy',
    'ResourceQuota',
    'LimitRange',
    'PodDisruptionBudget',
    'PriorityClass',
  ],
  ['ConfigMap', 'Secret', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim'],
  ['Kafka', 'KafkaNodePool', 'KafkaConnect', 'KafkaMirrorMaker2', 'KafkaBridge'],
  ['KafkaTopic', 'KafkaUser', 'KafkaConnector', 'KafkaRebalance'],
  ['Service'],
  [
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'ReplicaSet',
    'Pod',
    'HorizontalPodAutoscaler',
    'Ingress',
  ],
  ['Job', 'CronJob'],
];
const WORKLOAD_RANK = 7;

export function kindRank(kind: string): number {
  const rank = KIND_ORDER.findIndex((kinds) => kinds.includes(kind));
  return rank === -1 ? WORKLOAD_RANK : rank;
}

/** `<group>/<Kind>` of an object, as a CRD names what it defines. */
const groupKind = (o: ManifestObject) =>
  `${o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf('/')) : ''}/${o.kind}`;

export const isRemote = (resource: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(resource);

/**
 * The kustomizations `kubectl apply -k` can build from the bundle alone: every resource is a
 * shipped file, or a directory whose own kustomization is complete. Maps each to the files
 * it consumes (its resources, nested kustomizations included).
 */
function completeKustomizations(
  manifests: ReadonlyMap<string, readonly ManifestObject[]>,
  shipped: ReadonlySet<string>,
): Map<string, string[]> {
  const byDir = new Map<string, ManifestObject['kustomize']>();
  for (const [path, objects] of manifests) {
    const k = objects.find((o) => o.kustomize)?.kustomize;
    if (k && isKustomizationPath(path)) byDir.set(posix.dirname(path), k);
  }
  const complete = new Map<string, string[] | undefined>();
  const consumed = (dir: string, seen: Set<string>): string[] | undefined => {
    if (complete.has(dir)) return complete.get(dir);
    const k = byDir.get(dir);
    if (!k || seen.has(dir)) return undefined;
    seen.add(dir);
    const files: string[] = [...manifests.keys()].filter(
      (p) => posix.dirname(p) === dir && isKustomizationPath(p),
    );
    for (const resource of k.resources) {
      const path = posix.normalize(posix.join(dir, resource));
      if (isRemote(resource)) return undefined;
      if (shipped.has(path) && manifests.has(path)) files.push(path);
      else {
        const nested = consumed(path, seen);
        if (!nested) return undefined;
        files.push(...nested);
      }
    }
    complete.set(dir, files);
    return files;
  };
  const result = new Map<string, string[]>();
  for (const dir of byDir.keys()) {
    const files = consumed(dir, new Set());
    if (files) result.set(dir, files);
  }
  // A kustomization that another one builds is applied through that one only.
  for (const [dir, files] of [...result]) {
    for (const other of [...result.keys()])
      if (other !== dir && files.some((f) => posix.dirname(f) === other)) result.delete(other);
  }
  return result;
}

/**
 * The items to apply, ordered by the `files:` glob that first matched them, then by the lowest
 * kind rank among their objects, then by path; and notes on what is left out and why.
 */
export function planItems(
  globs: readonly string[],
  files: readonly BundleFile[],
  manifests: ReadonlyMap<string, readonly ManifestObject[]>,
  serverSideReason: (objects: readonly ManifestObject[]) => string | undefined,
  namespace?: string,
): { items: PlanItem[]; notes: string[] } {
  const cluster = clusterKinds(manifests);
  const matchers = globs.map((glob) => globMatcher(glob, { dot: true }));
  const globOf = (path: string) => {
    const glob = matchers.findIndex((matches) => matches(path));
    return glob === -1 ? matchers.length : glob;
  };
  const shipped = new Set(files.map((f) => f.path));
  const kustomizations = completeKustomizations(manifests, shipped);
  const inKustomization = new Set([...kustomizations.values()].flat());
  const notes: string[] = [];
  const raw: Array<Omit<PlanItem, 'needs'>> = [];
  const add = (
    path: string,
    kustomize: boolean,
    objects: ManifestObject[],
    namespaced?: boolean,
  ) => {
    const provides = objects.flatMap((o) =>
      o.kind === 'Namespace' ? [`namespace ${o.name}`] : o.defines ? [`crd ${o.defines}`] : [],
    );
    const reason = serverSideReason(objects);
    raw.push({
      path,
      kustomize,
      glob: globOf(kustomize ? `${path}/kustomization.yaml` : path),
      rank: Math.min(...objects.map((o) => kindRank(o.kind)), WORKLOAD_RANK),
      objects,
      provides,
      ...(reason ? { serverSide: reason } : {}),
      ...(namespaced ? { namespaced: true as const } : {}),
    });
  };
  for (const [dir, consumed] of kustomizations) {
    const k = [...manifests].find(([p]) => posix.dirname(p) === dir && isKustomizationPath(p));
    const set = k?.[1].find((o) => o.kustomize)?.kustomize?.namespace;
    const objects = consumed
      .flatMap((p) => manifests.get(p) ?? [])
      .filter((o) => !o.kustomize)
      .map((o) => (set && !cluster.has(o.kind) ? { ...o, namespace: set } : o));
    add(dir, true, objects);
  }
  for (const f of files) {
    const objects = manifests.get(f.path);
    if (!objects || inKustomization.has(f.path)) continue;
    if (isKustomizationPath(f.path) || objects.some((o) => o.kustomize)) {
      notes.push(
        `${f.path}: not applied: kustomize runs only on a kustomization whose resources are all in the bundle (kubectl apply -k); its shipped resources are applied as files`,
      );
    } else if (!objects.length) {
      notes.push(`${f.path}: not applied: it holds no Kubernetes object (kubectl would refuse it)`);
    } else if (namespace) {
      // `-n` for a file whose objects without a namespace would go to the context's; never
      // for one that also holds another namespace's objects (kubectl refuses the mismatch).
      const use = namespaceUse(objects, cluster);
      const others = use.explicit.filter((n) => n !== namespace);
      if (use.bare && others.length)
        notes.push(
          `${f.path}: applied without -n ${namespace}: it holds objects of namespace ${others.join(', ')}; its ${use.bare} namespaced object(s) without a namespace go to the context's namespace`,
        );
      if (use.bare && !others.length)
        add(f.path, false, withNamespace(objects, cluster, namespace), true);
      else add(f.path, false, [...objects]);
    } else add(f.path, false, [...objects]);
  }
  const created = new Set(raw.flatMap((m) => m.provides));
  const items = raw
    .map((m) => ({
      ...m,
      needs: [
        ...new Set(
          m.objects
            .flatMap((o) => [`namespace ${o.namespace ?? ''}`, `crd ${groupKind(o)}`])
            .filter((need) => created.has(need)),
        ),
      ],
    }))
    .sort((a, b) => a.glob - b.glob || a.rank - b.rank || (a.path < b.path ? -1 : 1));
  return { items, notes };
}
