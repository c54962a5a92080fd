/**
 * sha256 for code that an unchanged rerun loads but seldom hashes with (managed-block.ts):
 * node:crypto is loaded on the first call, not at import. Loading it (with the ESM facade of
 * a static import, which reads every export and so pulls in webcrypto too) cost ~8-11 ms of
 * CPU, a tenth of an unchanged rerun's cost over bare node. util/hash.ts stays the fast path
 * for the build's many hashes.
 */
import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

export function sha256HexLazily(data: string): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * hash.ts's digestHex with node:crypto loaded on the first call: worktree-blobs.ts is reached
 * from git-access.ts, which an unchanged rerun loads without hashing anything.
 */
export function digestHexLazily(algorithm: 'sha1' | 'sha256', data: Uint8Array): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  if (typeof crypto.hash === 'function') return crypto.hash(algorithm, data, 'hex');
  return crypto.createHash(algorithm).update(data).digest('hex');
}
