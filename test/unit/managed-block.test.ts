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
