import picomatch from 'picomatch';

/** The options globMatcher passes on: the ones that change only the regex picomatch builds. */
export interface GlobOptions {
  dot?: boolean;
  nocase?: boolean;
}

/**
 * picomatch's answer for these globs, without the matcher picomatch returns: that one builds a
 * result object (and a second one inside picomatch.test) on every call, which over a 50,000-file
 * tree cost more than the regex it wraps. What is left is exactly what picomatch.test decides
 * for these options: '' never matches, the glob itself always does, else its regex (negation
 * is inside the regex). On Windows picomatch also turns backslashes into slashes first, so
 * there its own matcher is used.
 */
export function globMatcher(
  globs: string | readonly string[],
  options: GlobOptions = {},
): (path: string) => boolean {
  const list = typeof globs === 'string' ? [globs] : [...globs];
  const withFlags = { ...options, flags: regexFlags(options) };
  if (process.platform === 'win32') return picomatch(list, withFlags);
  const tests = list.map((glob) => {
    const regex = picomatch.makeRe(glob, { ...withFlags, windows: false });
    return (path: string) => path === glob || regex.test(path);
  });
  const [only, ...others] = tests;
  if (!only) return () => false;
  if (!others.length) return (path) => path !== '' && only(path);
  return (path) => path !== '' && tests.some((test) => test(path));
}

/**
 * picomatch's `**` is a `.`, which without the s flag matches no line terminator: a committed
 * `k8s/a\u2028b.yaml` or a name with a newline was silently left out of a `k8s/**` bundle.
 * picomatch takes `flags` instead of its own, so nocase's `i` is kept here.
 */
export function regexFlags(options: { nocase?: boolean } = {}): string {
  return options.nocase ? 'si' : 's';
}
