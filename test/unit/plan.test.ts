import { describe, expect, it } from 'vitest';
import { renderSha256Sums } from '../../src/bundle/plan.js';

describe('renderSha256Sums', () => {
  it('escapes names with a backslash or newline the way GNU sha256sum does, and skips symlinks', () => {
    const text = renderSha256Sums([
      { path: 'a.yaml', size: 1, mode: '100644', sha256: 'a'.repeat(64) },
      { path: 'odd\nname', size: 1, mode: '100644', sha256: 'b'.repeat(64) },
      { path: 'link', size: 1, mode: '120000', sha256: 'c'.repeat(64) },
    ]);
    expect(text).toBe(`${'a'.repeat(64)}  a.yaml\n\\${'b'.repeat(64)}  odd\\nname\n`);
  });
});
