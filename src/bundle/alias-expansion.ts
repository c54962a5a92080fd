/**
 * How many nodes aliases may add to one document. js-yaml shares an aliased node instead of
 * copying it, so loading stays linear, but anything that walks the result (image collection,
 * kubectl on the bastion) meets every expansion: a few hundred bytes of nested aliases expand
 * to billions of nodes.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/** Distinct objects and arrays in a loaded document (shared, aliased ones counted once). */
function distinctNodes(root: unknown): number {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    stack.push(...(Array.isArray(node) ? node : Object.values(node)));
  }
  return seen.size;
}

/** True when walking the document as a tree visits more than `budget` extra nodes. */
export function expandsBeyond(root: unknown, budget: number): boolean {
  const limit = distinctNodes(root) + budget;
  let visits = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    if (++visits > limit) return true;
    stack.push(...(Array.isArray(node) ? node : Object.values(node)));
  }
  return false;
}
