import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatMarker,
  MARKER_PREFIX,
  MARKER_TAG,
  MARKER_VERSION,
  markerPrintf,
  parseMarker,
} from '../../src/model/markers.js';
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

  it('is not written out elsewhere in src/, not even in the printf lines of the generated bash', () => {
    // The generators print markers with markerPrintf (src/model/markers.ts); every scanner
    // and parser reads MARKER_TAG.
    const literals = sourceFiles(join(projectRoot, 'src')).flatMap((file) => {
      const rel = relative(projectRoot, file).split('\\').join('/');
      if (rel === 'src/model/markers.ts') return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${rel}:${i + 1}` }))
        .filter(({ line }) => line.includes('@@airgap/') && !/^\s*(\*|\/\/|\/\*)/.test(line))
        .map(({ at }) => at);
    });
    expect(literals).toEqual([]);
  });
});

describe('markerPrintf: the marker lines of the generated shell code', () => {
  it('print in sh what parseMarker reads and formatMarker writes', () => {
    const unit = ['"$id"', '"$n"', '"$kind"'] as const;
    const script = [
      `id=dev-x-1a2b3c4 n=12 kind=verify-cmd tag=' s=3fa9c1d2' rc=3 all='dev-x-1a2b3c4 7 upload'`,
      markerPrintf('begin', { unit, nonce: '"$tag"' }),
      markerPrintf('end', { unit, status: '"rc=$rc"', nonce: '"$tag"' }),
      markerPrintf('end', { unit, status: 'skip', nonce: "''" }),
      markerPrintf('begin', { unit: '"$all"', nonce: "''" }),
      markerPrintf('end', {
        unit: '"$all"',
        status: { rc: '"$rc"' },
        nonce: '"$tag"',
        wrapBeforeEpoch: '  ',
      }),
    ].join('\n');
    const lines = execFileSync('sh', ['-c', script], { encoding: 'utf8' }).trimEnd().split('\n');
    const markers = lines.map((line) => parseMarker(line));
    expect(markers.map((m) => m && formatMarker(m))).toEqual(lines);
    const id = 'dev-x-1a2b3c4';
    const nonce = '3fa9c1d2';
    expect(markers.map((m) => m && { ...m, epoch: 0 })).toEqual([
      { type: 'begin', bundleId: id, n: 12, kind: 'verify-cmd', epoch: 0, nonce },
      { type: 'end', bundleId: id, n: 12, kind: 'verify-cmd', rc: 3, epoch: 0, nonce },
      { type: 'end', bundleId: id, n: 12, kind: 'verify-cmd', skipped: true, epoch: 0 },
      { type: 'begin', bundleId: id, n: 7, kind: 'upload', epoch: 0 },
      { type: 'end', bundleId: id, n: 7, kind: 'upload', rc: 3, epoch: 0, nonce },
    ]);
    // The time is the shell's `date -u +%s`, in seconds (not milliseconds).
    for (const m of markers) expect(String(m?.epoch)).toMatch(/^1[7-9]\d{8}$/);
  });
});
