/** How many links one path may go through, as Linux allows (ELOOP beyond). */
const MAX_HOPS = 40;

export type LinkResolution =
  | { ok: true }
  | { ok: false; reason: 'escapes' | 'absolute' | 'loop'; via: string[] };

/**
 * Resolves a symlink the way the bastion's kernel will once the bundle is extracted: against
 * the links being shipped (not the laptop's working tree), one path component at a time, so a
 * directory link followed by `..` is seen for what it is. `links` maps each shipped symlink's
 * path to its target.
 */
export function resolveShippedLink(
  path: string,
  links: ReadonlyMap<string, string>,
): LinkResolution {
  const via: string[] = [];
  const resolved: string[] = [];
  const queue = path.split('/');
  let hops = 0;
  while (queue.length) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!resolved.length) return { ok: false, reason: 'escapes', via };
      resolved.pop();
      continue;
    }
    const candidate = resolved.length ? `${resolved.join('/')}/${part}` : part;
    const target = links.get(candidate);
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    via.push(`${candidate} -> ${target}`);
    if (++hops > MAX_HOPS) return { ok: false, reason: 'loop', via };
    if (target.startsWith('/')) return { ok: false, reason: 'absolute', via };
    // The target replaces this component; `resolved` stays the link's directory.
    queue.unshift(...target.split('/'));
  }
  return { ok: true };
}

/** One message per shipped symlink that leaves the bundle once links are followed. */
export function symlinkChainProblems(
  links: ReadonlyMap<string, string>,
): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  for (const path of [...links.keys()].sort()) {
    const result = resolveShippedLink(path, links);
    if (result.ok) continue;
    const chain = result.via.join(', then ');
    const what =
      result.reason === 'loop'
        ? `symlink loops (more than ${MAX_HOPS} links)`
        : 'symlink resolves outside the bundle';
    problems.push({ path, message: `${what} through ${chain}` });
  }
  return problems;
}
