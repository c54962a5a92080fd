import type { BundleRecord } from './record.js';

/**
 * A shipped file the default plan applies without `-n` whose namespaced objects have no
 * metadata.namespace: kubectl puts them in the kubeconfig's current namespace (`default`),
 * while an install documented as `kubectl apply -n <ns>` binds its ServiceAccounts in <ns>.
 */
export interface UnsetNamespace {
  readonly file: string;
  /** Namespaced objects without a namespace. */
  readonly objects: number;
  /** The namespaces its bindings and webhooks name (where the install expects them). */
  readonly named: readonly string[];
  /**
   * The spec's namespace, where its objects go while its bindings or webhooks name `named`
   * (namespaces.ts mismatchedNamespaces); absent when the spec sets none.
   */
  readonly into?: string;
}

/** One sentence per file, naming the spec key that fixes it. */
export function unsetNamespaceText(u: UnsetNamespace): string {
  if (u.into) {
    const set = u.named.length === 1 ? `set \`namespace: ${u.named[0]}\`` : 'set `namespace:`';
    return `${u.file}: its bindings name ${u.named.join(', ')} but its objects go to ${u.into} (spec \`namespace:\`): edit the subjects or ${set}`;
  }
  const fix =
    u.named.length === 1
      ? `its bindings name ${u.named[0]}: set \`namespace: ${u.named[0]}\` in the spec`
      : u.named.length
        ? `its bindings name ${u.named.join(', ')}: set \`namespace:\` in the spec`
        : 'set `namespace:` in the spec to apply them with -n';
  return `${u.file}: ${u.objects} namespaced object(s) without a namespace go to the current namespace (default); ${fix}`;
}

/** The title of the notes of PASTE.md and the runbook: a spec sets a namespace or none. */
export function unsetNamespaceTitle(u: UnsetNamespace): string {
  return u.into ? 'Namespace of the bindings' : 'Namespace not set';
}

/**
 * `airgap bundle`'s warnings, one per file, from the record alone. A spec with its own steps
 * gets the key's meaning said instead: the schema accepts `namespace:` beside `steps:`, but only
 * the default plan reads it, and a spec author would otherwise believe -n was applied.
 */
export function unsetNamespaceWarnings(record: BundleRecord): string[] {
  const { namespace, steps } = record.spec;
  const ignored =
    namespace && steps
      ? [
          `namespace: ${namespace} is for the default plan only: this spec has its own steps, which run as written (no -n ${namespace}, the namespace not created); name it in the steps, or drop steps:`,
        ]
      : [];
  return [...ignored, ...(record.unsetNamespaces ?? []).map(unsetNamespaceText)];
}
