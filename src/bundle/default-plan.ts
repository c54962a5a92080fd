import picomatch from 'picomatch';
import type { BundleFile } from '../model/record.js';
import { shellQuote } from '../util/shell-quote.js';
import type { ManifestObject } from './manifests.js';

export interface PlannedStep {
  name: string;
  run: string;
  continueOnError?: boolean | undefined;
  /** `preview` for a `kubectl diff`, whose exit 1 means "there are differences". */
  kind?: 'step' | 'preview';
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

interface Manifest {
  path: string;
  glob: number;
  rank: number;
  /** Namespaces and CRDs this file creates. */
  provides: string[];
  /** Namespaces and CRDs this file's objects need that another file of the bundle creates. */
  needs: string[];
}

/**
 * Orders the manifests: by the `files:` glob that first matched them, then by the lowest
 * kind rank among their documents, then by path.
 */
export function orderManifests(
  globs: readonly string[],
  files: readonly BundleFile[],
  manifests: ReadonlyMap<string, readonly ManifestObject[]>,
): Manifest[] {
  const matchers = globs.map((glob) => picomatch(glob, { dot: true }));
  const list = files
    .filter((f) => manifests.has(f.path))
    .map((f) => {
      const objects = manifests.get(f.path) ?? [];
      const glob = matchers.findIndex((matches) => matches(f.path));
      return {
        path: f.path,
        glob: glob === -1 ? matchers.length : glob,
        rank: Math.min(...objects.map((o) => kindRank(o.kind)), WORKLOAD_RANK),
        objects,
        provides: objects.flatMap((o) =>
          o.kind === 'Namespace' ? [`namespace ${o.name}`] : o.defines ? [`crd ${o.defines}`] : [],
        ),
      };
    });
  const created = new Set(list.flatMap((m) => m.provides));
  return list
    .map(({ objects, ...m }) => ({
      ...m,
      needs: [
        ...new Set(
          objects
            .flatMap((o) => [`namespace ${o.namespace ?? ''}`, `crd ${groupKind(o)}`])
            .filter((need) => created.has(need) && !m.provides.includes(need)),
        ),
      ],
    }))
    .sort((a, b) => a.glob - b.glob || a.rank - b.rank || (a.path < b.path ? -1 : 1));
}

/**
 * Without `steps:`: a server-side dry run and a `kubectl diff` preview of every manifest that
 * the cluster can already check, then the applies in order. Manifests that need a namespace or
 * a CRD the bundle itself creates are dry-run and previewed once those have been applied.
 */
export function defaultSteps(
  globs: readonly string[],
  files: readonly BundleFile[],
  manifests: ReadonlyMap<string, readonly ManifestObject[]>,
): PlannedStep[] {
  const ordered = orderManifests(globs, files, manifests);
  const applied = new Set<string>();
  const unchecked = new Set(ordered.map((m) => m.path));
  const steps: PlannedStep[] = [];
  const check = (include?: string) => {
    const group = ordered.filter(
      (m) => unchecked.has(m.path) && (m.path === include || m.needs.every((n) => applied.has(n))),
    );
    if (!group.length) return;
    const args = group.map((m) => `-f ${shellQuote(m.path)}`).join(' ');
    const what = group.length === 1 ? group[0]!.path : `${group.length} files`;
    steps.push({ name: `Dry run ${what}`, run: `kubectl apply --dry-run=server ${args}` });
    steps.push({ name: `Preview ${what}`, run: `kubectl diff ${args}`, kind: 'preview' });
    for (const m of group) unchecked.delete(m.path);
  };
  check();
  for (const manifest of ordered) {
    if (unchecked.has(manifest.path)) check(manifest.path);
    steps.push({
      name: `Apply ${manifest.path}`,
      run: `kubectl apply -f ${shellQuote(manifest.path)}`,
    });
    for (const provided of manifest.provides) applied.add(provided);
  }
  return steps;
}
