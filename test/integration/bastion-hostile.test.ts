import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import type { BundleRecord } from '../../src/model/record.js';
import { bastionBlocks, bastionScript } from '../../src/paste/bastion.js';
import { withPastePlan } from '../../src/paste/plan-data.js';
import { renderBlocks, renderPasteSheet } from '../../src/paste/render.js';
import { fakeBastion, runBastionScript } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo, tempDir } from '../helpers/fixtures.js';
import { requireTool } from '../helpers/ops-repo.js';
import { pasteIntoShell } from '../helpers/pty.js';

/** Every way text has become code in a generated script, each one creating a file if it works. */
function hostile(canary: string, field: string): string {
  const touch = (n: number) => `touch ${canary}/${field}-${n}`;
  return [
    `a'b"c$(${touch(1)})\`${touch(2)}\``,
    `EOF`,
    `AIRGAP_SIGNERS_EOF`,
    `${touch(3)}`,
    `"; ${touch(4)}; echo "`,
    `'; ${touch(5)}; echo '`,
    `# ${touch(6)}`,
    '```',
    `$(${touch(7)}) \${HOME} !! *`,
  ].join('\n');
}

/** A real bundle whose record then holds hostile text in every field that reaches the bastion. */
async function hostileRecord(
  ops: OpsRepo,
  canary: string,
  sane: { bucket: boolean },
): Promise<{
  record: BundleRecord;
  result: Awaited<ReturnType<typeof bundle>>;
}> {
  const repo = ops.path;
  const result = await bundle({ spec: 'dev-topics', repo, out: ops.dir() });
  const h = (field: string) => hostile(canary, field);
  const base = result.record;
  const archive = base.archive;
  const record: BundleRecord = {
    ...base,
    description: h('description'),
    files: base.files.map((f) => ({ ...f, path: `${f.path}${h('path')}` })),
    s3: {
      bucket: sane.bucket ? base.s3.bucket : h('bucket'),
      prefix: h('prefix'),
      region: h('region'),
      endpoint: h('endpoint'),
    },
    archive: { ...archive, key: sane.bucket ? archive.key : `${h('prefix')}/${archive.file}` },
    units: base.units.map((u) =>
      u.kind === 'step' || u.kind === 'verify-cmd'
        ? { ...u, name: h('name'), command: h('command') }
        : { ...u, name: h('unit-name') },
    ),
    signature: {
      identity: h('identity'),
      allowedSigners: `${h('signers')}\n`,
      allowedSignersPath: h('signers-path'),
      sig: h('sig'),
    },
  };
  // The paste plan is data in the record: computed again from the hostile fields, as bundle would.
  return { record: withPastePlan(record), result };
}

describe('hostile values in every spec field that reaches the bastion', () => {
  it('run no injected command in bash (bastion.sh), zsh and dash (pasted)', async () => {
    await using tmp = await tempDir();
    const canary = tmp.dir('airgap-canary-');
    for (const bucket of [false, true]) {
      await using ops = await opsRepo();
      const { record, result } = await hostileRecord(ops, canary, { bucket });
      writeFileSync(join(result.outDir, 'bastion.sh'), bastionScript(record));
      const bastion = fakeBastion(tmp, result);
      const run = runBastionScript(result, bastion);
      // The archive was never verified (no such object, or a signature that cannot verify).
      expect(run.stdout).toContain('airgap: RESULT: FAILED');
      expect(run.stdout).not.toContain('files extracted');
      const typed = [...bastionBlocks(record).map((b) => b.code), 'exit', ''].join('\n');
      for (const shell of ['zsh -f -i', 'dash -i']) {
        if (!requireTool(shell.split(' ')[0] ?? '')) continue;
        const output = pasteIntoShell(
          tmp,
          shell,
          typed,
          fakeBastion(tmp, result).env,
          bastion.home,
        );
        expect(output).toContain('airgap: RESULT: FAILED');
      }
      expect(readdirSync(bastion.kubeState)).toEqual([]);
    }
    expect(readdirSync(canary)).toEqual([]);
  });

  it('keep PASTE.md one heading and one fenced block per paste block', async () => {
    await using ops = await opsRepo();
    const { record } = await hostileRecord(ops, ops.dir(), { bucket: false });
    const sheet = renderPasteSheet(record);
    const blocks = bastionBlocks(record);
    // The sheet's head and its bastion section (the CloudShell section has its own owner).
    const head = sheet.slice(0, sheet.indexOf('\n## CloudShell\n'));
    const bastion = renderBlocks(blocks).join('\n');
    const headScan = scan(head);
    expect(headScan.open).toBe(false);
    expect(headScan.headings).toEqual([`# Paste sheet: ${record.id}`]);
    const bastionScan = scan(bastion);
    expect(bastionScan.open).toBe(false);
    expect(bastionScan.fences).toBe(blocks.length);
    expect(bastionScan.headings).toHaveLength(blocks.length);
    for (const [i, heading] of bastionScan.headings.entries())
      expect(heading).toMatch(new RegExp(`^### ${i + 1}\\. `));
    expect(sheet).toContain(bastion);
  });
});

/** Headings and fenced blocks as CommonMark sees them (fences of 3+ backticks). */
function scan(markdown: string): { headings: string[]; fences: number; open: boolean } {
  let fence: string | undefined;
  const headings: string[] = [];
  let fences = 0;
  for (const line of markdown.split('\n')) {
    if (fence) {
      if (line.trimEnd() === fence) fence = undefined;
      continue;
    }
    const open = /^(`{3,})/.exec(line);
    if (open) {
      fence = open[1];
      fences++;
    } else if (/^ {0,3}#{1,6}(\s|$)/.test(line)) headings.push(line);
    else if (/^ {0,3}(-{3,}|={3,})\s*$/.test(line)) headings.push(`setext underline: ${line}`);
  }
  return { headings, fences, open: fence !== undefined };
}
