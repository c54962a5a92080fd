// The API-server model behind the kubectl stand-in (scripts/standins/kubectl). What it models
// is listed in the README ("The kubectl stand-in"); what it does not model it refuses loudly,
// so a plan that depends on something unmodelled fails here instead of passing by luck.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What client-side apply may store in metadata.annotations (the API server's limit). */
export const ANNOTATION_LIMIT = 262_144;
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Kinds the API server serves without a CRD: `<group>/<version>` list, cluster-scoped or not. */
const BUILTIN = {
  '': [
    ['v1'],
    'Namespace! ConfigMap Secret Service ServiceAccount Pod PersistentVolumeClaim PersistentVolume! Endpoints LimitRange ResourceQuota Event ReplicationController',
  ],
  apps: [['v1'], 'Deployment StatefulSet DaemonSet ReplicaSet ControllerRevision'],
  batch: [['v1'], 'Job CronJob'],
  'rbac.authorization.k8s.io': [['v1'], 'Role RoleBinding ClusterRole! ClusterRoleBinding!'],
  'apiextensions.k8s.io': [['v1'], 'CustomResourceDefinition!'],
  'networking.k8s.io': [['v1'], 'NetworkPolicy Ingress IngressClass!'],
  policy: [['v1'], 'PodDisruptionBudget'],
  autoscaling: [['v1', 'v2'], 'HorizontalPodAutoscaler'],
  'scheduling.k8s.io': [['v1'], 'PriorityClass!'],
  'storage.k8s.io': [['v1'], 'StorageClass! CSIDriver! VolumeAttachment!'],
  'admissionregistration.k8s.io': [
    ['v1'],
    'ValidatingWebhookConfiguration! MutatingWebhookConfiguration! ValidatingAdmissionPolicy! ValidatingAdmissionPolicyBinding!',
  ],
  'apiregistration.k8s.io': [['v1'], 'APIService!'],
  'coordination.k8s.io': [['v1'], 'Lease'],
  'discovery.k8s.io': [['v1'], 'EndpointSlice'],
  'node.k8s.io': [['v1'], 'RuntimeClass!'],
  'certificates.k8s.io': [['v1'], 'CertificateSigningRequest!'],
};

/** The cluster the demo and tests start from: a Strimzi operator already running in kafka. */
function initialState() {
  const crds = {};
  for (const kind of [
    'Kafka',
    'KafkaNodePool',
    'KafkaTopic',
    'KafkaUser',
    'KafkaConnect',
    'KafkaConnector',
    'KafkaMirrorMaker2',
    'KafkaRebalance',
  ]) {
    const plural = `${kind.toLowerCase()}s`;
    crds[`${plural}.kafka.strimzi.io`] = {
      group: 'kafka.strimzi.io',
      kind,
      plural,
      namespaced: true,
      versions: ['v1beta2'],
      established: true,
    };
  }
  return {
    namespaces: ['default', 'kube-system', 'kube-public', 'kafka', 'quotes'],
    crds,
    objects: {},
  };
}

export function loadState(dir) {
  const file = join(dir, 'cluster.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : initialState();
}

export function saveState(dir, state) {
  writeFileSync(join(dir, 'cluster.json'), `${JSON.stringify(state)}\n`);
}

/** An error kubectl prints (and the exit code it gives). */
export class KubeError extends Error {}

const splitApiVersion = (apiVersion) =>
  apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];

/** The RESTMapper: `{ resource, namespaced }` for an object, or undefined without a mapping. */
export function mapKind(state, apiVersion, kind) {
  const [group, version] = splitApiVersion(apiVersion);
  const builtin = BUILTIN[group];
  if (builtin) {
    const kinds = builtin[1].split(' ');
    const found = kinds.find((k) => k.replace('!', '') === kind);
    if (!found || !builtin[0].includes(version)) return undefined;
    return {
      resource: group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase(),
      namespaced: !found.endsWith('!'),
    };
  }
  const crd = Object.values(state.crds).find((c) => c.group === group && c.kind === kind);
  // Only an Established CRD is served: discovery does not list it before.
  if (!crd?.established || !crd.versions.includes(version)) return undefined;
  return { resource: `${kind.toLowerCase()}.${group}`, namespaced: crd.namespaced };
}

/** kubectl's short names of the built-in resources (`kubectl api-resources`). */
const SHORT_NAMES = {
  po: 'pods',
  svc: 'services',
  sa: 'serviceaccounts',
  cm: 'configmaps',
  ns: 'namespaces',
  deploy: 'deployments',
  ds: 'daemonsets',
  sts: 'statefulsets',
  rs: 'replicasets',
  cj: 'cronjobs',
  pvc: 'persistentvolumeclaims',
  pv: 'persistentvolumes',
  ep: 'endpoints',
  limits: 'limitranges',
  quota: 'resourcequotas',
  ev: 'events',
  rc: 'replicationcontrollers',
  crd: 'customresourcedefinitions',
  crds: 'customresourcedefinitions',
  netpol: 'networkpolicies',
  ing: 'ingresses',
  pdb: 'poddisruptionbudgets',
  hpa: 'horizontalpodautoscalers',
  pc: 'priorityclasses',
  sc: 'storageclasses',
  csr: 'certificatesigningrequests',
};

/** The API server's plural of a built-in kind: Ingress -> ingresses, NetworkPolicy -> networkpolicies. */
function pluralOf(kind) {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/**
 * What `kubectl get <type>` names, as discovery resolves it: a kind's singular, plural or
 * short name, optionally with its group (`deployments.apps`), for every built-in kind and every
 * Established CRD. `{ kind, group, plural, namespaced }`, or undefined: the server does not
 * have that resource type.
 */
export function resolveResourceType(state, type) {
  const lower = type.toLowerCase();
  const dot = lower.indexOf('.');
  const name = dot < 0 ? lower : lower.slice(0, dot);
  const wantedGroup = dot < 0 ? undefined : lower.slice(dot + 1);
  const plural = SHORT_NAMES[name] ?? name;
  const candidates = [];
  for (const [group, [, kinds]] of Object.entries(BUILTIN))
    for (const entry of kinds.split(' ')) {
      const kind = entry.replace('!', '');
      candidates.push({ kind, group, plural: pluralOf(kind), namespaced: !entry.endsWith('!') });
    }
  for (const crd of Object.values(state.crds))
    if (crd.established)
      candidates.push({
        kind: crd.kind,
        group: crd.group,
        plural: crd.plural,
        namespaced: crd.namespaced,
        shortNames: crd.shortNames ?? [],
      });
  return candidates.find(
    (c) =>
      (wantedGroup === undefined || c.group === wantedGroup) &&
      (c.plural === plural || c.kind.toLowerCase() === name || (c.shortNames ?? []).includes(name)),
  );
}

/** JSON with sorted keys: what "unchanged" compares. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const identity = (o) => `${o.resource}/${o.namespace ?? ''}/${o.name}`;
export const displayName = (o) => `${o.resource}/${o.name}`;

/**
 * Maps every object of a call before any is applied, as kubectl's builder does: a kind with
 * no served mapping (a CRD not yet Established, one created earlier in this same call) is an
 * error for that object; the mapped ones go on.
 */
export function mapObjects(state, sources, defaultNamespace, explicitNamespace) {
  const mapped = [];
  const errors = [];
  for (const { object, source } of sources) {
    const name = object.metadata?.name ?? '';
    const mapping = mapKind(state, object.apiVersion, object.kind);
    const ns = object.metadata?.namespace;
    if (!mapping) {
      errors.push(
        `error: resource mapping not found for name: "${name}" namespace: "${ns ?? ''}" from "${source}": no matches for kind "${object.kind}" in version "${object.apiVersion}"\nensure CRDs are installed first`,
      );
      continue;
    }
    if (mapping.namespaced && ns && explicitNamespace && ns !== explicitNamespace) {
      errors.push(
        `error: the namespace from the provided object "${ns}" does not match the namespace "${explicitNamespace}". You must pass '--namespace=${ns}' to perform this operation.`,
      );
      continue;
    }
    if (!name) {
      errors.push(
        `error: error when retrieving current configuration of:\nResource: "${mapping.resource}", GroupVersionKind: "${object.apiVersion}, Kind=${object.kind}"\nName: "", Namespace: "${ns ?? ''}"\nfrom server for: "${source}": resource name may not be empty`,
      );
      continue;
    }
    mapped.push({
      object,
      source,
      resource: mapping.resource,
      name,
      namespace: mapping.namespaced ? (ns ?? defaultNamespace) : undefined,
    });
  }
  return { mapped, errors };
}

/** Why the server refuses this object now, or undefined. */
export function admissionError(state, o, { serverSide, verb }) {
  if (o.namespace !== undefined && !state.namespaces.includes(o.namespace)) {
    return `Error from server (NotFound): error when ${verb} "${o.source}": namespaces "${o.namespace}" not found`;
  }
  if (!serverSide) {
    const bytes = Buffer.byteLength(JSON.stringify(o.object));
    if (bytes + LAST_APPLIED.length > ANNOTATION_LIMIT) {
      return `The ${o.object.kind} "${o.name}" is invalid: metadata.annotations: Too long: must have at most ${ANNOTATION_LIMIT} bytes`;
    }
  }
  return undefined;
}

/** Makes the object live; a CRD starts not Established (a `kubectl wait` sees it become so). */
export function persist(state, o, manager) {
  state.objects[identity(o)] = { object: o.object, manager };
  if (o.object.kind === 'Namespace' && !state.namespaces.includes(o.name))
    state.namespaces.push(o.name);
  if (o.object.kind === 'CustomResourceDefinition') {
    const spec = o.object.spec ?? {};
    const before = state.crds[o.name];
    state.crds[o.name] = {
      group: spec.group,
      kind: spec.names?.kind,
      plural: spec.names?.plural,
      shortNames: spec.names?.shortNames ?? [],
      namespaced: spec.scope !== 'Cluster',
      versions: (spec.versions ?? []).filter((v) => v.served !== false).map((v) => v.name),
      established: before?.established ?? false,
    };
  }
}
