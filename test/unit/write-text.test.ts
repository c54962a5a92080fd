import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeText } from '../../src/util/write-text.js';
import { tempDir } from '../helpers/fixtures.js';

describe('writeText', () => {
  it('writes the UTF-8 bytes of the text: large ASCII in slices, the rest whole', async () => {
    await using tmp = await tempDir('airgap-write-text-');
    // Over two slices and not a multiple of one, so the last slice is partial.
    const ascii = `${'{"path": "k8s/a.yaml", "sha256": "00ff"},\n'.repeat(60_000)}end\n`;
    expect(ascii.length).toBeGreaterThan(2 * 1024 * 1024);
    const texts = [ascii, `${ascii}é→😀\n`, 'short é\n', ''];
    for (const [i, text] of texts.entries()) {
      const path = join(tmp.path, `t${i}.json`);
      await writeText(path, text);
      expect(readFileSync(path).equals(Buffer.from(text))).toBe(true);
    }
  });

  it('replaces a longer file and gives a new file the mode asked for', async () => {
    await using tmp = await tempDir('airgap-write-text-');
    const path = join(tmp.path, 'x.json');
    await writeText(path, 'x'.repeat(3 * 1024 * 1024));
    const text = 'y'.repeat(2 * 1024 * 1024 + 1);
    await writeText(path, text);
    expect(readFileSync(path, 'latin1')).toBe(text);
    const script = join(tmp.path, 'run.sh');
    await writeText(script, `#!/bin/sh\n${'#'.repeat(2 * 1024 * 1024)}\n`, 0o755);
    expect(statSync(script).mode & 0o777).toBe(0o755 & ~process.umask());
  });
});
