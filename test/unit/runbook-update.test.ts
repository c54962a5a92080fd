import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findManagedBlock, upsertManagedBlock } from '../../src/docs/managed-block.js';
import { handEditedLines } from '../../src/ingest/runbook/runbook-edits.js';
import { KEPT_HEADING, upsertBlockFile } from '../../src/ingest/runbook/runbook-update.js';
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

/** A body as ingest renders one: text, and anything at all inside its fences. */
function runbookBody(seed: number): string[] {
  const r = seededRandom(seed + 104729);
  const text = [
    '# Runbook',
    'text — naïve 日本語',
    '',
    ' one space',
    '| a | b |',
    'trailing space ',
  ];
  const lines: string[] = [];
  for (let i = r.int(12); i >= 0; i--)
    if (r.int(3)) lines.push(r.int(2) ? r.pick(text) : `out ${r.int(100)}`);
    else lines.push('~~~~~text', ...Array.from({ length: r.int(5) }, () => r.pick(LINES)), '~~~~~');
  return lines;
}

describe('handEditedLines', () => {
  it('finds none in a block as airgap wrote it (LF or CRLF, any chunking), and a line a person added', () => {
    let edited = 0;
    for (let seed = 1; seed <= 300; seed++) {
      // A runbook: a person's text before, the block airgap wrote, their notes after.
      const eol = seed % 4 ? '\n' : '\r\n';
      const around = (n: number) => runbookBody(seed * n).filter((l) => !/^\s*[`~<]/.test(l));
      const written =
        upsertManagedBlock(around(3).join(eol), 'runbook', runbookBody(seed)) +
        ['', '## Notes', ...around(5)].join(eol);
      const docPath = join(dir().path, `doc-${seed}.md`);
      const bodyPath = join(dir().path, `body-${seed}.md`);
      writeFileSync(bodyPath, runbookBody(seed + 1).join('\n'));
      const chunkBytes = [8, 64, 1 << 20][seed % 3];
      writeFileSync(docPath, written);
      expect({ seed, kept: handEditedLines(docPath, 'runbook', bodyPath, chunkBytes) }).toEqual({
        seed,
        kept: [],
      });
      // A person's line inside the block, after its begin marker: the new body lacks it.
      const begin = findManagedBlock(written, 'runbook')?.start ?? -1;
      const after = written.indexOf('\n', begin) + 1;
      if (begin < 0 || after === 0) continue;
      const note = `Checked by hand ${seed}: the topic is there.`;
      writeFileSync(docPath, `${written.slice(0, after)}${note}${eol}${written.slice(after)}`);
      // Rendered again from the same paste: the note is the one line the new body lacks.
      writeFileSync(bodyPath, runbookBody(seed).join('\n'));
      expect({ seed, kept: handEditedLines(docPath, 'runbook', bodyPath, chunkBytes) }).toEqual({
        seed,
        kept: [note],
      });
      edited++;
    }
    expect(edited).toBe(300);
  });

  it('has upsertBlockFile keep them below the block, outside it', () => {
    const docPath = join(dir().path, 'edited.md');
    const bodyPath = join(dir().path, 'edited-body.md');
    const out = join(dir().path, 'edited-out.md');
    const old = ['## Command 5: Apply', 'A note a person wrote.'];
    writeFileSync(docPath, `${upsertManagedBlock('', 'runbook', old)}\n## Notes\n`);
    writeFileSync(docPath, readFileSync(docPath, 'utf8').replace('sha256=', 'sha256=f'));
    const fresh = ['## Block 7, unit 5: Apply'];
    writeFileSync(bodyPath, fresh.join('\n'));
    const kept = handEditedLines(docPath, 'runbook', bodyPath);
    expect(kept).toEqual(old);
    upsertBlockFile(docPath, 'runbook', bodyPath, blockHash(fresh), out, undefined, kept);
    expect(readFileSync(out, 'utf8')).toBe(
      `${upsertManagedBlock('', 'runbook', fresh).trimEnd()}\n\n${KEPT_HEADING}\n\n${old.join('\n')}\n\n## Notes\n`,
    );
  });
});
