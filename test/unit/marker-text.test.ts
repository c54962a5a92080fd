import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKER_PREFIX, MARKER_TAG, MARKER_VERSION } from '../../src/model/markers.js';
import { projectRoot } from '../helpers/ops-repo.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the marker text has one source (src/model/markers.ts)', () => {
  it('builds the prefix from the tag and the version', () => {
    expect(MARKER_PREFIX).toBe(`${MARKER_TAG}${MARKER_VERSION}`);
  });

  it('is not written out elsewhere in src/, but for the printf lines of the generated bash', () => {
    // The generators still print markers with hand-written printf formats (issue 26: one
    // marker formatter is not done); every scanner and parser reads MARKER_TAG.
    const generators = new Set(['src/scripts/bastion-lib.ts', 'src/scripts/cloudshell.ts']);
    const literals = sourceFiles(join(projectRoot, 'src')).flatMap((file) => {
      const rel = relative(projectRoot, file).split('\\').join('/');
      if (rel === 'src/model/markers.ts') return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${rel}:${i + 1}` }))
        .filter(({ line }) => /['"`]@@airgap\//.test(line) && !line.trim().startsWith('*'))
        .filter(({ line, at }) => !(generators.has(at.split(':')[0]!) && line.includes('printf')))
        .map(({ at }) => at);
    });
    expect(literals).toEqual([]);
  });
});
