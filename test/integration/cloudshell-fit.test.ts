/**
 * CloudShell blocks as PASTE.md prints them: each fits an 80x24 terminal, and the failures
 * an operator meets there (a home directory that filled up and cut the upload short, no AWS
 * credentials) end in one `airgap:` line that names the cause. Real bash, zsh, aws CLI and
 * a real full filesystem (a tiny tmpfs, when this runs as root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCollected, setSpecEndpoint } from '../../scripts/lib/loop.js';
import { bundle as buildBundle } from '../../src/commands/bundle/bundle.js';
import type { BundleRecord } from '../../src/model/record.js';
import { echoRows, MAX_BLOCK_ROWS } from '../../src/paste/bastion.js';
import { fixture, opsRepo, tempDir } from '../helpers/fixtures.js';
import { commitAll, requireTool } from '../helpers/ops-repo.js';

let record: BundleRecord;
let archivePath: string;
let sheet: string;

const ops = fixture(() => opsRepo());

beforeAll(async () => {
  const repo = ops().path;
  // Port 9 on loopback refuses connections: nothing here may reach a real S3.
  setSpecEndpoint(repo, 'http://127.0.0.1:9');
  commitAll(repo, 'local endpoint');
  const built = await buildBundle({ spec: 'dev-topics', repo, out: ops().dir() });
  record = built.record;
  archivePath = built.archivePath;
  sheet = readFileSync(join(built.outDir, 'PASTE.md'), 'utf8');
});
/** The bash blocks of PASTE.md's CloudShell section, as an operator copies them. */
function cloudshellSection(): string[] {
  const start = sheet.indexOf('\n## CloudShell\n');
  const section = sheet.slice(start, sheet.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^(`{3,})bash\n([\s\S]*?)\n\1$/gm)].map((m) => m[2]!);
}

/** The helper blocks and the fallback block, pasted in that order. */
function fallbackPaste(): string {
  const blocks = cloudshellSection();
  const fallback = blocks.findIndex((b) => b.includes('airgap_s3_upload()'));
  return [
    ...blocks.filter((b) => b.includes('airgap_unit() {') || b.includes('airgap_why()')),
    blocks[fallback]!,
  ].join('\n');
}

const airgapLines = (out: string) => out.split('\n').filter((l) => l.startsWith('airgap:'));

describe('CloudShell blocks of a generated PASTE.md', () => {
  it(`each echoes in at most ${MAX_BLOCK_ROWS} rows of an 80-column terminal`, () => {
    const blocks = cloudshellSection();
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const block of blocks) expect(echoRows(block), block).toBeLessThanOrEqual(MAX_BLOCK_ROWS);
  });

  it('say in one airgap line that ~ is full when the upload was cut short', async () => {
    await using tmp = await tempDir();
    if (!requireTool('bash')) return;
    const home = tmp.dir();
    // A full 64 KiB filesystem: the archive's upload stops where it is full (here, at once).
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', home]);
    if (mounted.status !== 0) return; // not root: no filesystem to fill
    try {
      writeFileSync(join(home, 'filler'), Buffer.alloc(64 * 1024));
      const cut = spawnSync('cp', [archivePath, join(home, record.archive.file)]);
      expect(cut.status).not.toBe(0);
      const free = execFileSync('df', ['-Pk', home], { encoding: 'utf8' }).split('\n')[1]!;
      expect(free.split(/\s+/)[3]).toBe('0');
      for (const shell of ['bash', 'zsh']) {
        if (!requireTool(shell)) continue;
        const run = await runCollected(shell, ['-c', `set -eC\n${fallbackPaste()}\necho alive`], {
          cwd: home,
          env: { ...process.env, HOME: home },
        });
        expect(airgapLines(run.out), `${shell}: ${run.out}`).toEqual([
          `airgap: no space left on ${home} (0 KiB free): CHECKSUM MISMATCH: ${home}/${record.archive.file} is not the archive airgap built`,
        ]);
        expect(run.out).toMatch(new RegExp(`@@airgap/1 end ${record.id} 1 upload rc=1 `));
        expect(run.out).toContain('alive');
      }
    } finally {
      spawnSync('umount', [home]);
    }
  });

  it('say in one airgap line that there are no AWS credentials (real aws CLI)', async () => {
    await using tmp = await tempDir();
    if (!requireTool('aws') || !requireTool('bash')) return;
    const home = tmp.dir();
    copyFileSync(archivePath, join(home, record.archive.file));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const run = await runCollected('bash', ['-c', fallbackPaste()], { cwd: home, env });
    expect(run.out).toContain(`${record.archive.file}: OK`);
    expect(airgapLines(run.out), run.out).toEqual([
      'airgap: no AWS credentials (aws sts get-caller-identity fails)',
    ]);
    expect(run.out).toMatch(new RegExp(`@@airgap/1 end ${record.id} 1 upload rc=1 `));
  });

  it('say in one airgap line which file is missing', async () => {
    await using tmp = await tempDir();
    const home = tmp.dir();
    const run = await runCollected('bash', ['-c', fallbackPaste()], {
      cwd: home,
      env: { ...process.env, HOME: home },
    });
    expect(airgapLines(run.out)).toEqual([
      `airgap: missing file: ${record.archive.file} is in neither ${home} nor ~`,
    ]);
  });
});
