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
  if (process.platform === 'win32') return picomatch(list, options);
  const tests = list.map((glob) => {
    const regex = picomatch.makeRe(glob, { ...options, windows: false });
    return (path: string) => path === glob || regex.test(path);
  });
  const [only, ...others] = tests;
  if (!only) return () => false;
  if (!others.length) return (path) => path !== '' && only(path);
  return (path) => path !== '' && tests.some((test) => test(path));
}
