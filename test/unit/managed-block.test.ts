import { describe, expect, it } from 'vitest';
import { findManagedBlock, upsertManagedBlock } from '../../src/docs/managed-block.js';

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
