import { describe, expect, it } from 'vitest';
import { findManagedBlock, upsertManagedBlock } from '../../src/docs/managed-block.js';
import { sha256Hex } from '../../src/util/hash.js';
import { sha256HexLazily } from '../../src/util/lazy-hash.js';

describe('upsertManagedBlock', () => {
  it('appends to a document without a final newline, keeping every original byte', () => {
    const doc = '# Title\n\nHuman text without newline';
    const out = upsertManagedBlock(doc, 'x', ['a']);
    expect(out.startsWith(doc)).toBe(true);
    expect(findManagedBlock(out, 'x')?.lines).toEqual(['a']);
  });
  it('uses CRLF in a CRLF document and leaves the rest byte-for-byte', () => {
    const doc = '# Title\r\n\r\nHuman\r\n';
    const once = upsertManagedBlock(doc, 'x', ['a', 'b']);
    expect(once.startsWith(doc)).toBe(true);
    expect(once.slice(doc.length)).not.toMatch(/[^\r]\n/);
    const twice = upsertManagedBlock(`${once}tail text\r\n`, 'x', ['c']);
    expect(twice.startsWith(doc)).toBe(true);
    expect(twice.endsWith('tail text\r\n')).toBe(true);
    expect(findManagedBlock(twice, 'x')?.lines).toEqual(['c']);
  });
  it('is idempotent', () => {
    const once = upsertManagedBlock('text\n', 'x', ['a']);
    expect(upsertManagedBlock(once, 'x', ['a'])).toBe(once);
  });
  it('detects a hand edit inside the block', () => {
    const once = upsertManagedBlock('', 'x', ['a']);
    expect(findManagedBlock(once, 'x')?.editedByHand).toBe(false);
    expect(findManagedBlock(once.replace('\na\n', '\nb\n'), 'x')?.editedByHand).toBe(true);
  });
  it('judges a hand edit by the block as found, even when asked after its lines were changed', () => {
    // editedByHand is computed when read (the unchanged rerun never reads it, nor loads crypto).
    const once = upsertManagedBlock('', 'x', ['a']);
    const clean = findManagedBlock(once, 'x');
    clean?.lines.push('added later');
    expect(clean?.editedByHand).toBe(false);
    const edited = findManagedBlock(once.replace('\na\n', '\nb\n'), 'x');
    edited?.lines.splice(0, 1, 'a');
    expect(edited?.editedByHand).toBe(true);
    expect({ ...findManagedBlock(once, 'x') }).toMatchObject({ lines: ['a'], editedByHand: false });
  });
  it('hashes as util/hash.ts does when node:crypto is loaded lazily', () => {
    for (const text of ['', 'a', 'ü\n€ line\r\n', 'x'.repeat(100_000)])
      expect(sha256HexLazily(text)).toBe(sha256Hex(text));
  });
});

const quoting = [
  '# Session',
  '',
  '````text',
  'an old runbook printed by a step:',
  '<!-- airgap:end runbook -->',
  '<!-- airgap:begin runbook sha256=000000000000 -->',
  '```',
  '## Result',
  '````',
  '',
  '~~~',
  '<!-- airgap:end runbook -->',
  '~~~',
  'last line',
];

describe('managed blocks and fenced code', () => {
  it('ignores markers quoted inside fences, backtick or tilde', () => {
    const text = upsertManagedBlock('intro\n', 'runbook', quoting);
    const found = findManagedBlock(text, 'runbook');
    expect(found?.lines).toEqual(quoting);
    expect(found?.editedByHand).toBe(false);
  });

  it('replaces the whole block again, so a second upsert is byte-identical', () => {
    const once = upsertManagedBlock('intro\n\n## Notes\n', 'runbook', quoting);
    const withNotes = `${once}\nnote kept\n`;
    const twice = upsertManagedBlock(withNotes, 'runbook', quoting);
    expect(twice).toBe(withNotes);
    const changed = upsertManagedBlock(withNotes, 'runbook', ['new body']);
    expect(changed).not.toContain('an old runbook');
    expect(changed.endsWith('note kept\n')).toBe(true);
  });

  it('does not take a marker inside a fence of the text around the block for the block', () => {
    const text =
      '```\n<!-- airgap:begin runbook sha256=abc -->\n<!-- airgap:end runbook -->\n```\n';
    expect(findManagedBlock(text, 'runbook')).toBeUndefined();
    const after = upsertManagedBlock(text, 'runbook', ['x']);
    expect(after.startsWith(text)).toBe(true);
    expect(findManagedBlock(after, 'runbook')?.lines).toEqual(['x']);
  });
});
