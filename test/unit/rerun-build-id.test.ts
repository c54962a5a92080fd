import { describe, expect, it } from 'vitest';
import { buildIdOf } from '../../src/commands/bundle/rerun-stamp.js';

// npm pack writes every file with this mtime; tar -x and cp -p keep it (npm install does not).
const NPM_MTIME = Date.UTC(1985, 9, 26, 8, 15);

describe('buildIdOf', () => {
  it('tells apart two installs of tarballs whose rerun.js has the same time and size', () => {
    // Another build of 0.1.0 (say, a stricter record schema, rerun.ts untouched), unpacked
    // later: its stamps must not vouch for records this build's schema has not seen.
    const first = buildIdOf({ mtimeMs: NPM_MTIME, ctimeMs: 1_796_000_000_000, size: 12795 });
    const second = buildIdOf({ mtimeMs: NPM_MTIME, ctimeMs: 1_796_600_000_000, size: 12795 });
    expect(first).not.toBe(second);
  });

  it('is the same for the same install', () => {
    const file = { mtimeMs: NPM_MTIME, ctimeMs: 1_796_000_000_000.5, size: 12795 };
    expect(buildIdOf({ ...file })).toBe(buildIdOf(file));
  });
});
