export interface ImageRef {
  /** As written in the manifest. */
  ref: string;
  registry: string;
  repository: string;
  tag: string;
  digest: string | undefined;
}

/** Splits `registry/repo/name:tag@sha256:…` the way the container runtime does. */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry =
    slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag = digest ? '' : 'latest';
  const colon = path.lastIndexOf(':');
  if (colon > path.lastIndexOf('/')) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return { ref, registry, repository: path, tag, digest };
}

/** docker.io's other names: a reference without a host is pulled from it too. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** A registry as the runtime reaches it: lower case, docker.io for Docker Hub's other names. */
export function registryHost(registry: string): string {
  const lower = registry.toLowerCase();
  return DOCKER_HUB.has(lower) ? 'docker.io' : lower;
}

export function isEcrRegistry(registry: string): boolean {
  return /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(registry);
}
