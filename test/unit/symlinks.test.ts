import { describe, expect, it } from 'vitest';
import { resolveShippedLink } from '../../src/bundle/symlinks.js';

describe('resolveShippedLink', () => {
  it('accepts links that stay inside, directly or through other links', () => {
    const links = new Map([
      ['a/up', '..'],
      ['a/b/c', '../../x/y'],
      ['a/via', 'up/x/z'],
    ]);
    expect(resolveShippedLink('a/up', links)).toEqual({ ok: true });
    expect(resolveShippedLink('a/b/c', links)).toEqual({ ok: true });
    expect(resolveShippedLink('a/via', links)).toEqual({ ok: true });
  });

  it('follows a directory link before applying .. and reports the chain', () => {
    const links = new Map([
      ['k/d/up', '../..'],
      ['k/d/leak', 'up/../etc/passwd'],
    ]);
    expect(resolveShippedLink('k/d/leak', links)).toEqual({
      ok: false,
      reason: 'escapes',
      via: ['k/d/leak -> up/../etc/passwd', 'k/d/up -> ../..'],
    });
  });

  it('refuses an absolute target reached through a chain, and loops', () => {
    const links = new Map([
      ['a', 'b'],
      ['b', '/etc'],
      ['x', 'y'],
      ['y', 'x'],
    ]);
    expect(resolveShippedLink('a', links)).toMatchObject({ ok: false, reason: 'absolute' });
    expect(resolveShippedLink('x', links)).toMatchObject({ ok: false, reason: 'loop' });
  });
});
