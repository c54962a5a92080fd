import { describe, expect, it } from 'vitest';
import { escapeName, matchableName, nameProblem } from '../../src/bundle/names.js';

describe('escapeName', () => {
  it('keeps UTF-8, escapes control characters and bytes that are not UTF-8', () => {
    expect(escapeName('k8s/é.yaml')).toBe('k8s/é.yaml');
    expect(escapeName('a\nb\rc\td\\e')).toBe('a\\nb\\rc\\td\\\\e');
    expect(escapeName(Buffer.from([0x61, 0xff, 0xc3, 0x28, 0x62]))).toBe('a\\xff\\xc3(b');
  });
});

describe('nameProblem', () => {
  it('names each reason a name cannot travel', () => {
    expect(nameProblem({ path: 'ok/name.yaml' })).toBeUndefined();
    expect(nameProblem({ path: 'a\uFFFD', rawName: Buffer.from([0x61, 0xfe]) })).toContain(
      'a\\xfe: the name is not valid UTF-8',
    );
    expect(nameProblem({ path: 'a\nb' })).toContain('a\\nb: a newline');
    expect(nameProblem({ path: `d/${'é'.repeat(128)}` })).toContain('256 bytes, over the 255');
    expect(nameProblem({ path: `d/${'x'.repeat(255)}` })).toBeUndefined();
  });

  it('makes newline names visible to globs', () => {
    expect(matchableName('a\nb\rc')).toBe('a_b_c');
  });
});
