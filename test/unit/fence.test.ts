import { describe, expect, it } from 'vitest';
import { fenceFor } from '../../src/paste/fence.js';

describe('fenceFor', () => {
  it('is longer than any backtick run in the content', () => {
    expect(fenceFor('no ticks')).toBe('```');
    expect(fenceFor('has ```` four')).toBe('`````');
  });
});
