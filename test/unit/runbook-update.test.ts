import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { upsertManagedBlock } from '../../src/docs/managed-block.js';
import { upsertBlockFile } from '../../src/ingest/runbook/runbook-update.js';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { seededRandom } from '../helpers/seeded-random.js';

const dir = fixture(() => tempDir('airgap-runbook-update-'));

const LINES = [
  '# Runbook',
  'text — naïve 日本語',
  '',
  ' one space',
  '  two spaces',
  '```',
  '```text',
  '````',
  '```` bash',
  '~~~',
  '~~~~ yaml',
  '```a`b',
  '   ```',
  ' ~~~',
  '\u00a0```',
  '<!-- airgap:begin runbook sha256=0123456789ab (managed by airgap; edits are kept) -->',
  '<!-- airgap:begin runbook -->',
  '   <!-- airgap:begin runbook sha256=ffffffffffff (x) -->',
  '<!-- airgap:end runbook -->',
  '  <!-- airgap:end runbook -->',
  '\u00a0<!-- airgap:end runbook -->',
  '  \u00a0<!-- airgap:end runbook -->',
  '  \u00a0<!-- airgap:begin runbook -->',
  '<!-- airgap:begin other -->',
  '<!-- airgap:end other -->',
  '| a | b |',
  '`inline` code',
  'trailing space ',
];

function doc(seed: number): string {
  const r = seededRandom(seed);
  const eol = r.int(4) ? '\n' : '\r\n';
  const lines: string[] = [];
  for (let i = r.int(40); i > 0; i--) lines.push(r.pick(LINES));
  if (r.int(2)) {
    // An airgap-written block somewhere, with fenced output in it.
    lines.splice(
      r.int(lines.length + 1),
      0,
      LINES[15] as string,
      '```text',
      r.pick(LINES),
      '```',
      LINES[18] as string,
    );
  }
  const text = lines.join(eol);
  return r.int(3) ? text + (lines.length ? eol : '') : text;
}

function body(seed: number): string[] {
  const r = seededRandom(seed + 7919);
  const lines: string[] = [];
  for (let i = r.int(12); i >= 0; i--) lines.push(r.int(3) ? r.pick(LINES) : `out ${r.int(100)}\r`);
  return lines;
}

const blockHash = (lines: readonly string[]) =>
  createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 12);

describe('upsertBlockFile', () => {
  it('writes what upsertManagedBlock would, on generated documents and bodies', () => {
    let changed = 0;
    let unchanged = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const before = doc(seed);
      const lines = body(seed);
      const docPath = join(dir().path, `doc-${seed}.md`);
      const bodyPath = join(dir().path, `body-${seed}.md`);
      const out = join(dir().path, `out-${seed}.md`);
      writeFileSync(docPath, before);
      writeFileSync(bodyPath, lines.join('\n'));
      const expected = upsertManagedBlock(before, 'runbook', lines);
      const chunkBytes = [8, 64, 1 << 20][seed % 3];
      const wrote = upsertBlockFile(
        docPath,
        'runbook',
        bodyPath,
        blockHash(lines),
        out,
        chunkBytes,
      );
      expect({ seed, text: readFileSync(out, 'utf8') }).toEqual({ seed, text: expected });
      expect({ seed, wrote }).toEqual({ seed, wrote: expected !== before });
      // Then the same body again: nothing to change.
      writeFileSync(docPath, expected);
      const again = upsertBlockFile(
        docPath,
        'runbook',
        bodyPath,
        blockHash(lines),
        out,
        chunkBytes,
      );
      expect({ seed, again }).toEqual({
        seed,
        again: upsertManagedBlock(expected, 'runbook', lines) !== expected,
      });
      if (wrote) changed++;
      if (!again) unchanged++;
    }
    expect(changed).toBeGreaterThan(100);
    expect(unchanged).toBeGreaterThan(30);
  });
});
