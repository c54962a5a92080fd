import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { statusCommand } from '../../src/cli/status.js';
import { status } from '../../src/commands/status/status.js';
import { type TempDir, tempDir } from '../helpers/fixtures.js';
import { git } from '../helpers/ops-repo.js';

afterEach(() => vi.restoreAllMocks());

/** A git repo whose bundles/records/ holds a damaged record and one of another version. */
function repoWithBadRecords(scratch: TempDir): string {
  const repo = scratch.dir();
  git(repo, 'init', '-q', '-b', 'main');
  mkdirSync(join(repo, 'bundles/records'), { recursive: true });
  writeFileSync(join(repo, 'bundles/records/damaged.json'), '{\n  "id": "a",\n  oops\n}\n');
  writeFileSync(
    join(repo, 'bundles/records/old.json'),
    JSON.stringify({ format: 'airgap-bundle/0', id: 'dev-old-1234' }),
  );
  return repo;
}

describe('status with records it cannot read', () => {
  it('reports each as an item needing attention instead of failing', async () => {
    await using tmp = await tempDir();
    const result = await status({ repo: repoWithBadRecords(tmp) });
    expect(result.unreadableRecords.map((r) => r.file)).toEqual([
      'bundles/records/damaged.json',
      'bundles/records/old.json',
    ]);
    expect(result.unreadableRecords[0]?.problem).toMatch(
      /^bundles\/records\/damaged\.json: not a bundle record: .* \(line 3\)$/,
    );
    expect(result.attention).toContain(
      'bundles/records/old.json: bundle record has format airgap-bundle/0; this airgap reads airgap-bundle/1',
    );
    expect(result.attention).toHaveLength(2);
    expect(statusCommand.exitCode?.(result, { check: true })).toBe('attention');
  });

  it('prints them within 80 columns, with the hint', async () => {
    await using tmp = await tempDir();
    const result = await status({ repo: repoWithBadRecords(tmp) });
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    statusCommand.print(result, { check: false });
    vi.restoreAllMocks();
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ {2}unreadable bundles\/records\/damaged\.json: not a bundle/);
    expect(lines.filter((l) => l.startsWith('  unreadable '))).toHaveLength(2);
    expect(out).toContain('hint: read it with the airgap version that wrote it');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines.at(-1)).toBe('2 item(s) need attention');
  });

  it('lists them on stderr for --check within 80 columns too', async () => {
    await using tmp = await tempDir();
    const result = await status({ repo: repoWithBadRecords(tmp) });
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    statusCommand.print(result, { check: true });
    vi.restoreAllMocks();
    const lines = err
      .replace(/\u001b\[[0-9;]*m/g, '')
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe('error: 2 item(s) need attention');
    expect(lines[1]).toMatch(/^ {2}bundles\/records\/damaged\.json: not a bundle record:/);
    expect(lines.some((l) => l.startsWith('    '))).toBe(true);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(
      'bundles/records/old.json: bundle record has format airgap-bundle/0; this airgap reads airgap-bundle/1',
    );
  });
});
