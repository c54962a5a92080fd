/**
 * Images an operator pulls later, named in its own Deployment's `env` values and container
 * args rather than in an `image:` field: Strimzi's `STRIMZI_KAFKA_IMAGES` (`3.7.0=quay.io/…`
 * lines) and `STRIMZI_DEFAULT_*_IMAGE`, prometheus-operator's
 * `--prometheus-config-reloader=quay.io/…`. Behind the air gap a missed one is an
 * ImagePullBackOff long after the apply succeeded, so they are checked against ECR like the rest.
 */

/** Where a pod template lives in each workload kind (a Pod is its own spec). */
function podSpecs(object: Record<string, unknown>): unknown[] {
  const spec = object.spec as Record<string, unknown> | undefined;
  // Before the kind is lower-cased: most documents (ConfigMaps) have no spec at all.
  if (!spec || typeof spec !== 'object') return [];
  const kind = typeof object.kind === 'string' ? object.kind.toLowerCase() : '';
  const template = (spec.template as { spec?: unknown } | undefined)?.spec;
  switch (kind) {
    case 'pod':
      return [spec];
    case 'cronjob': {
      const job = (spec.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)
        ?.spec;
      return [job?.template?.spec];
    }
    case 'deployment':
    case 'statefulset':
    case 'daemonset':
    case 'replicaset':
    case 'job':
      return [template];
    default:
      return [];
  }
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The text as an image reference, or undefined. Only a reference with a tag or digest counts,
 * and, unless `named` says the field holds an image (an env name or flag with "image" in it),
 * only one with a registry host (`quay.io/…`, `host:5000/…`): `kube-system/kubelet`,
 * `kafka.svc:9092` and version numbers are not images.
 */
export function asImageReference(text: string, named: boolean): string | undefined {
  // Most env values and args are numbers, names and flags: no tag or digest, no registry.
  if (!text.includes(':') && !text.includes('@')) return undefined;
  if (!named && !text.includes('/')) return undefined;
  const ref = text.trim().replace(/^["']|["']$/g, '');
  if (!ref || ref.length > 512) return undefined;
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasRegistry =
    parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry && !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(first)) return undefined;
  const path = hasRegistry ? parts.slice(1) : parts;
  const last = path.at(-1) ?? '';
  const colon = last.indexOf(':');
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  path[path.length - 1] = colon >= 0 ? last.slice(0, colon) : last;
  if (!path.every((part) => PATH_COMPONENT.test(part))) return undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  if (tag === undefined && digest === undefined) return undefined;
  if (!hasRegistry && !named) return undefined;
  return ref;
}

/** Words of a value: lines, spaces, commas; a `name=ref` word gives its `ref`. */
function candidates(value: string): string[] {
  return value
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((word) => word.slice(word.lastIndexOf('=') + 1));
}

const NAMES_AN_IMAGE = /image/i;

function fromEnv(env: unknown, into: Set<string>): void {
  if (!Array.isArray(env)) return;
  for (const item of env) {
    const { name, value } = (item ?? {}) as { name?: unknown; value?: unknown };
    if (typeof value !== 'string') continue;
    const named = typeof name === 'string' && NAMES_AN_IMAGE.test(name);
    for (const word of candidates(value)) {
      const ref = asImageReference(word, named);
      if (ref) into.add(ref);
    }
  }
}

/** `--flag=ref`, `--flag ref` (the flag named like an image) and bare references. */
function fromArgs(args: unknown, into: Set<string>): void {
  if (!Array.isArray(args)) return;
  let flagNamesImage = false;
  for (const arg of args) {
    if (typeof arg !== 'string') continue;
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0) {
      const named = NAMES_AN_IMAGE.test(arg.slice(0, eq));
      for (const word of candidates(arg.slice(eq + 1))) {
        const ref = asImageReference(word, named);
        if (ref) into.add(ref);
      }
      flagNamesImage = false;
      continue;
    }
    if (arg.startsWith('-')) {
      flagNamesImage = NAMES_AN_IMAGE.test(arg);
      continue;
    }
    for (const word of candidates(arg)) {
      const ref = asImageReference(word, flagNamesImage);
      if (ref) into.add(ref);
    }
    flagNamesImage = false;
  }
}

/**
 * `List`, `v1/List`, `SecretList`, `ConfigMapList`…: what `kubectl get -o yaml` writes. What
 * /list$/i matches, compared letter by letter: `c | 32` is the lower case of an ASCII letter,
 * and no other code unit gives `l`, `i`, `s` or `t` (as /i without /u folds none into them).
 * The regex, run several times on every document, was a visible part of the scan.
 */
export function isListKind(kind: unknown): boolean {
  if (typeof kind !== 'string') return false;
  const n = kind.length;
  return (
    n >= 4 &&
    (kind.charCodeAt(n - 4) | 32) === 108 &&
    (kind.charCodeAt(n - 3) | 32) === 105 &&
    (kind.charCodeAt(n - 2) | 32) === 115 &&
    (kind.charCodeAt(n - 1) | 32) === 116
  );
}

/**
 * Adds the image references in the env values, args and commands of a workload's containers
 * (and initContainers), and of each workload inside a List.
 */
export function collectOperatorImages(object: unknown, into: Set<string>): void {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return;
  const record = object as Record<string, unknown>;
  if (isListKind(record.kind)) {
    if (Array.isArray(record.items))
      for (const item of record.items) collectOperatorImages(item, into);
    return;
  }
  for (const spec of podSpecs(record)) {
    if (!spec || typeof spec !== 'object') continue;
    const { containers, initContainers } = spec as Record<string, unknown>;
    for (const list of [containers, initContainers]) {
      if (!Array.isArray(list)) continue;
      for (const container of list) {
        if (!container || typeof container !== 'object') continue;
        const c = container as Record<string, unknown>;
        fromEnv(c.env, into);
        fromArgs(c.args, into);
        fromArgs(c.command, into);
      }
    }
  }
}
