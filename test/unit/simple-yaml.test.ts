import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { documentLines } from '../../src/bundle/document-lines.js';
import { simpleLoadAll } from '../../src/bundle/simple-yaml.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** js-yaml's answer: the documents, or the error it throws. */
function jsYaml(text: string): { documents: unknown[] } | { error: string } {
  try {
    return { documents: yaml.loadAll(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * The fast loader either declines or agrees with js-yaml exactly (prototypes included), and
 * its document lines with documentLines.
 */
function expectAgreement(text: string): boolean {
  const fast = simpleLoadAll(text);
  if (fast === undefined) return false;
  expect(jsYaml(text), JSON.stringify(text)).toStrictEqual({ documents: fast.documents });
  expect(fast.lines, JSON.stringify(text)).toEqual(documentLines(text));
  return true;
}

// Lines in the subset and lines just outside it, mixed at random.
const KEYS = ['apiVersion', 'kind', 'name', 'app.kubernetes.io/name', 'k_1', 'data', 'x-y', 'k'];
const VALUES = [
  'v1',
  'ConfigMap',
  'cm-1-2',
  'value with  spaces',
  'repo/image:1.2',
  'a:b',
  '"double quoted"',
  "'single quoted'",
  '"quoted" # comment',
  'plain # comment',
  '0',
  '42',
  '123456789012345',
  'true',
  'False',
  'NULL',
  'null',
  '',
  // Outside the subset, each for its own reason:
  '007',
  '1.5',
  '-3',
  '0x1f',
  '2026-01-01',
  '~',
  '.inf',
  '"esc\\"aped"',
  "'it''s'",
  '&anchor v',
  '*alias',
  '!tag v',
  '[a, b]',
  '{a: 1}',
  '|',
  '>',
  'a: b',
  'ends:',
  'a#b',
  '"unterminated',
  "'x' trailing",
  'yes',
  'on',
  'Infinity',
];
const SHAPES = [
  '---',
  '...',
  '--- x',
  '# comment',
  '',
  '   ',
  '- item',
  '  - item',
  '%YAML 1.2',
  'k:v',
];

function randomDocument(random: ReturnType<typeof seededRandom>, subsetOnly: boolean): string {
  const lines: string[] = [];
  let depth = 0;
  const count = 1 + random.int(14);
  for (let i = 0; i < count; i++) {
    const roll = random.next();
    if (!subsetOnly && roll < 0.08) {
      lines.push(random.pick(SHAPES));
      continue;
    }
    // Sometimes a wrong indentation, a tab or a CR, when outside the subset is allowed.
    const indent = !subsetOnly && roll < 0.12 ? random.int(5) : depth * 2;
    const key = random.pick(KEYS) + (random.next() < 0.5 ? random.int(4) : '');
    const value = subsetOnly ? random.pick(VALUES.slice(0, 18)) : random.pick(VALUES);
    const nested = random.next() < 0.25;
    const tail = !subsetOnly && roll > 0.97 ? random.pick(['\t', '\r', 'é']) : '';
    lines.push(`${' '.repeat(indent)}${key}:${nested ? '' : value ? ` ${value}` : ''}${tail}`);
    if (nested) depth++;
    else if (depth && random.next() < 0.3) depth = random.int(depth);
  }
  return lines.join('\n');
}

describe('simpleLoadAll', () => {
  it('loads generated manifests exactly as js-yaml does', () => {
    const text = Array.from(
      { length: 120 },
      (_, d) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-7-${d}\n  namespace: apps\ndata:\n  k: v${d}\n`,
    ).join('---\n');
    expect(expectAgreement(text)).toBe(true);
    expect(simpleLoadAll(text)?.documents).toHaveLength(120);
  });

  it('agrees with js-yaml on random documents in the subset, and declines the rest', () => {
    const random = seededRandom(28);
    let accepted = 0;
    let declined = 0;
    for (let i = 0; i < 3000; i++) {
      const docs = Array.from({ length: 1 + random.int(3) }, () =>
        randomDocument(random, i % 2 === 0),
      );
      const text =
        (random.next() < 0.2 ? '# head\n---\n' : '') +
        docs.join(random.next() < 0.9 ? '\n---\n' : '\n---\n---\n') +
        (random.next() < 0.5 ? '\n' : '');
      if (expectAgreement(text)) accepted++;
      else declined++;
    }
    // Both branches are exercised, so the test could fail either way.
    expect(accepted).toBeGreaterThan(500);
    expect(declined).toBeGreaterThan(500);
  });

  it('declines what js-yaml refuses or reads specially', () => {
    for (const text of [
      'a: 1\na: 2\n', // duplicated mapping key: js-yaml throws
      'a:\n  b: 1\n c: 2\n', // bad indentation
      'a: b\n  c\n', // a multi-line plain scalar
      '__proto__: x\n',
      'True: x\n',
      '---\n---\na: 1\n', // an empty document
      'a: 1\n---\n',
      '',
      '  a: 1\n',
      'a: "x\\ty"\n',
      'a: "\\\\"\n', // an escaped backslash, the value's only character
      'a: "x\\"\n', // an escaped closing quote
    ]) {
      expect(simpleLoadAll(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('loads a double-quoted value when the backslashes are elsewhere in the file', () => {
    expect(expectAgreement('a: "x"\nb: \'c\\d\'\nc: "y" # \\\n')).toBe(true);
  });

  it('opens the first document at a separator after comments only', () => {
    expect(expectAgreement('# c\n\n---\na: b\n---\nc: 1\n')).toBe(true);
    expect(simpleLoadAll('# c\n---\na: b\n')).toStrictEqual({
      documents: [{ a: 'b' }],
      lines: [3],
    });
  });

  it('gives null to a key with nothing under it, before a sibling and at the end', () => {
    expect(simpleLoadAll('a:\nb:\n  c:\n')?.documents).toStrictEqual([{ a: null, b: { c: null } }]);
    expect(expectAgreement('a:\nb:\n  c:\n')).toBe(true);
  });
});
