/**
 * "did you mean …?" for an unknown key in a spec: the nearest key the schema knows at that place
 * (optimal string alignment distance, a swap of two letters counting one), else the required
 * key missing beside it when the typo is alone there.
 */
import type * as z from 'zod';

interface Def {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  in?: unknown;
  options?: unknown[];
}

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** The keys an object in the schema at `path` may hold ([] where the walk finds none). */
export function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let at: unknown[] = [schema];
  const unwrap = (s: unknown): unknown[] => {
    const def = defOf(s);
    if (!def) return [];
    if (def.innerType !== undefined) return unwrap(def.innerType);
    if (def.type === 'pipe' && def.in !== undefined) return unwrap(def.in);
    if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
    return [s];
  };
  for (const step of path) {
    at = at.flatMap(unwrap).flatMap((s) => {
      const def = defOf(s);
      if (def?.type === 'array' && typeof step === 'number') return [def.element];
      if (
        def?.type === 'object' &&
        typeof step === 'string' &&
        def.shape &&
        Object.hasOwn(def.shape, step)
      )
        return [def.shape[step]];
      return [];
    });
  }
  return [...new Set(at.flatMap(unwrap).flatMap((s) => Object.keys(defOf(s)?.shape ?? {})))].sort();
}

/** Optimal string alignment distance. */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[a.length]![b.length]!;
}

/** ` (did you mean verify?)` for `key`, unknown in the object at `issue.path`, or ''. */
export function meantKey(
  schema: unknown,
  key: string,
  issue: z.core.$ZodIssue & { code: 'unrecognized_keys' },
  all: readonly z.core.$ZodIssue[],
): string {
  const parent = issue.path.join('.');
  const missing = all.flatMap((other) =>
    other.code === 'invalid_type' &&
    /received undefined/.test(other.message) &&
    other.path.slice(0, -1).join('.') === parent
      ? [String(other.path.at(-1))]
      : [],
  );
  const limit = key.length < 4 ? 1 : 2;
  const near = keysAt(schema, issue.path)
    .map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    // Nearest first; of two as near, a required key that is missing.
    .sort((a, b) => a.d - b.d || Number(missing.includes(b.k)) - Number(missing.includes(a.k)));
  if (near[0]) return ` (did you mean ${near[0].k}?)`;
  return missing.length && issue.keys.length === 1
    ? ` (did you mean ${missing.join(' or ')}?)`
    : '';
}
