import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScanCache } from '../../src/bundle/scan-cache.js';
import { loadScanState } from '../../src/commands/bundle/pack.js';
import { tempDir } from '../helpers/fixtures.js';

const savedCache = process.env.XDG_CACHE_HOME;
afterEach(() => {
  // Assigning undefined to process.env would set the text "undefined".
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
});

describe('loadScanState (read while git lists the tree)', () => {
  it('reads no screen key, and makes none, before a first bundle (no verdicts)', async () => {
    await using dir = await tempDir();
    const gitDir = join(dir.path, '.git');
    mkdirSync(join(gitDir, 'airgap'), { recursive: true });
    process.env.XDG_CACHE_HOME = join(dir.path, 'xdg');
    const { cache } = loadScanState(gitDir);
    expect(cache.size).toBe(0);
    expect(existsSync(join(dir.path, 'xdg', 'airgap', 'screen-key'))).toBe(false);
  });

  it('reads the cached verdicts and the screen tags of a warm repo', async () => {
    await using dir = await tempDir();
    const gitDir = join(dir.path, '.git');
    mkdirSync(join(gitDir, 'airgap'), { recursive: true });
    const before = ScanCache.load(gitDir);
    const verdict = { problems: [], images: ['nginx:1'], isKubernetes: false, objects: [] };
    before.set(ScanCache.key('a'.repeat(40), 'k8s/a.yaml'), verdict);
    await before.save();
    process.env.XDG_CACHE_HOME = join(dir.path, 'xdg');
    const { cache } = loadScanState(gitDir);
    expect(cache.get(ScanCache.key('a'.repeat(40), 'k8s/a.yaml'))).toEqual(verdict);
    expect(existsSync(join(dir.path, 'xdg', 'airgap', 'screen-key'))).toBe(true);
  });
});
