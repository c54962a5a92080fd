import { describe, expect, it } from 'vitest';
import {
  propertyFromItems,
  renderPropertyItem,
  stableJson,
  stableJsonReusing,
} from '../../src/util/stable-json.js';

/** The files of `value`, rendered item by item as the trailer renders them. */
function rendered(files: readonly unknown[]) {
  return propertyFromItems('files', files, files.map(renderPropertyItem));
}

/** What stableJson wrote before it had its own serialiser: its output must not change. */
function sortingReplacerJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        return Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        );
      }
      return v;
    },
    2,
  )}\n`;
}

describe('stableJson', () => {
  it('sorts keys at every depth and indents by two', () => {
    expect(stableJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: 'x' } })).toBe(
      '{\n  "a": {\n    "c": "x",\n    "d": [\n      1,\n      {\n        "e": 3,\n        "f": 2\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  it.each([
    [
      'a record-like object',
      { z: 'a"b\\c\n', files: [{ sha256: 'f', path: 'k8s/ä.yaml', size: 3 }] },
    ],
    [
      'index-like keys, which JSON puts first in numeric order',
      { b: 1, 10: 'x', 2: 'y', '01': 3, a: 2 },
    ],
    [
      'left-out values',
      { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol('s')], d: null },
    ],
    ['empty containers', { a: {}, b: [], c: [[], {}], d: { e: undefined } }],
    [
      'numbers JSON cannot hold',
      { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: -0, d: 1e21, e: 0.1 },
    ],
    ['toJSON', { when: new Date(0), nested: { toJSON: () => ({ y: 1, x: 2 }) } }],
    ['a top-level array', [3, 'a', { b: true, a: false }]],
    ['a string alone', 'plain'],
    ['objects in order holding objects out of order', { a: { c: 1, b: 2 }, b: [{ y: 1, x: 2 }] }],
    ['an object of only left-out values', { a: undefined }],
  ])('writes %s exactly as the sorting replacer did', (_name, value) => {
    expect(stableJson(value)).toBe(sortingReplacerJson(value));
  });
});

describe('stableJsonReusing', () => {
  const files = [
    { mode: '100644', path: 'k8s/a"b.yaml', sha256: 'f', size: 3 },
    { size: 1, path: 'z', mode: '120000', linkTarget: 'a', sha256: 'e' },
  ];
  it.each([
    ['a record-like object', { z: 1, files, a: { y: [1], x: 'files' } }],
    ['the value alone', { files }],
    ['an empty list', { files: [], b: 2 }],
    ['index-like keys beside it', { 10: 'x', files, 2: 'y' }],
    ['the marker as a string elsewhere', { files, a: '\u0000stable-json reused files' }],
    [
      'items JSON writes as null, nested lists, toJSON',
      {
        files: [
          undefined,
          () => 1,
          [[1], { b: 2, a: [] }],
          new Date(0),
          { toJSON: (key: string) => ({ key }) },
          'a\nb',
        ],
      },
    ],
  ])('writes %s as stableJson does', (_name, value) => {
    expect(stableJsonReusing(value, rendered(value.files))).toBe(stableJson(value));
  });

  it('takes the rendered text, and only for the object rendered', () => {
    // A stand-in text shows whether the rendering was used rather than serialised again.
    const marked = { ...rendered(files), text: '"rendered"' };
    expect(stableJsonReusing({ files, a: 1 }, marked)).toBe(
      '{\n  "a": 1,\n  "files": "rendered"\n}\n',
    );
    const copy = files.map((f) => ({ ...f }));
    expect(stableJsonReusing({ files: copy }, marked)).toBe(stableJson({ files: copy }));
    expect(stableJsonReusing({ files, a: '\u0000stable-json reused files' }, marked)).toBe(
      stableJson({ files, a: '\u0000stable-json reused files' }),
    );
  });
});
