import { rerunFromStamp } from './rerun.js';
import type { BundleOptions, BundleResult } from './types.js';

export type { BundleOptions, BundleResult } from './types.js';

/**
 * An unchanged rerun is answered from the stamp the last bundle left (bundle-rerun.ts), without
 * loading the plan, zod or the spec and record schemas; anything else is planned and built in
 * full (bundle-build.ts), which decides whether the content was prepared before.
 */
export async function bundle(options: BundleOptions): Promise<BundleResult> {
  const { result, root, status, commit } = await rerunFromStamp(options);
  if (result) return result;
  return (await import('./build.js')).buildBundle(options, root, status, commit);
}
