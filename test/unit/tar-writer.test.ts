import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParallelGzip } from '../../src/bundle/parallel-gzip.js';
import { TarWriter } from '../../src/bundle/tar-writer.js';
import { tempDir } from '../helpers/fixtures.js';

const long = `k8s/${'d'.repeat(120)}/${'f'.repeat(90)}.yaml`;
const unicode = 'k8s/données/é.yaml';

/** Writes the entries through TarWriter into ParallelGzip, as the bundle does; returns the .tar.gz. */
async function archive(memberSize = 4096): Promise<Buffer> {
  const members: Buffer[] = [];
  const gzip = new ParallelGzip((m) => void members.push(...m), { memberSize, concurrency: 2 });
  const tar = new TarWriter(gzip, new Date('2000-01-01T00:00:00Z'));
  const content = Buffer.from('a: 1\n'.repeat(300));
  await tar.startFile('k8s/a.yaml', 0o644, content.length);
  // In pieces, as git sends them.
  await tar.data(content.subarray(0, 700));
  await tar.data(content.subarray(700));
  await tar.endFile();
  await tar.file(long, 0o755, Buffer.from('long\n'));
  await tar.file(unicode, 0o644, Buffer.alloc(0));
  await tar.symlink('k8s/link.yaml', 'a.yaml');
  await tar.end();
  return Buffer.concat(members);
}

describe('TarWriter', () => {
  it('writes an archive GNU tar lists with names, modes, sizes and links intact', async () => {
    await using tmp = await tempDir('airgap-tar-');
    const dir = tmp.path;
    const file = join(dir, 'x.tar.gz');
    // 1 KiB members: boundaries fall inside files and between a header and its content.
    writeFileSync(file, await archive(1024));
    const listing = execFileSync('tar', ['-tvzf', file], {
      encoding: 'utf8',
      env: { LC_ALL: 'C.UTF-8' },
    });
    const lines = listing.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^-rw-r--r-- 0\/0 +1500 2000-01-01 00:00 k8s\/a\.yaml$/);
    expect(lines[1]).toMatch(/^-rwxr-xr-x 0\/0 +5 2000-01-01 00:00 (.*)$/);
    expect(lines[1]!.endsWith(long)).toBe(true);
    expect(lines[2]!.endsWith(unicode)).toBe(true);
    expect(lines[3]).toMatch(/^lrwxrwxrwx 0\/0 +0 .* k8s\/link\.yaml -> a\.yaml$/);
    execFileSync('gzip', ['-t', file]);
  });

  it('gives the same bytes on every run', async () => {
    const a = await archive();
    expect((await archive()).equals(a)).toBe(true);
  });

  it('writes a string file as the bytes of its UTF-8 Buffer, across member boundaries', async () => {
    const ascii = `${'{"path": "k8s/a.yaml", "sha256": "00ff"},\n'.repeat(200)}end`;
    const texts = [ascii, `${ascii}é→😀`, ''];
    const packed = async (asText: boolean) => {
      const members: Buffer[] = [];
      const gzip = new ParallelGzip((m) => void members.push(...m), { memberSize: 1000 });
      const tar = new TarWriter(gzip, new Date(0));
      // A partly filled block first, so the text starts mid-block.
      await tar.file('k8s/a.yaml', 0o644, Buffer.from('a: 1\n'.repeat(30)));
      for (const [i, text] of texts.entries())
        await tar.file(`t${i}.json`, 0o644, asText ? text : Buffer.from(text));
      await tar.end();
      return Buffer.concat(members);
    };
    expect((await packed(true)).equals(await packed(false))).toBe(true);
  });

  it('refuses a file whose content is not the size its header promised', async () => {
    const gzip = new ParallelGzip(() => {}, { memberSize: 4096 });
    const tar = new TarWriter(gzip, new Date(0));
    await tar.startFile('k8s/a.yaml', 0o644, 10);
    await tar.data(Buffer.from('short'));
    expect(() => tar.endFile()).toThrow('k8s/a.yaml: expected 10 bytes from git, got 5');
  });
});
