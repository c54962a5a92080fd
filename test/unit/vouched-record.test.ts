import { describe, expect, it } from 'vitest';
import { parseVouchedRecord } from '../../src/commands/bundle/vouched-record.js';
import { stableJson } from '../../src/util/stable-json.js';

const record = {
  archive: { file: 'a.tar.gz', size: 3 },
  commit: 'c',
  description: 'say "files": [ and ]',
  files: [
    { mode: '100644', path: 'a\\\n  ]"b', sha256: 'f', size: 1 },
    { linkTarget: 'a', mode: '120000', path: 'l', sha256: 'e', size: 1 },
  ],
  format: 'airgap-bundle/1',
  spec: { files: ['k8s/**'], name: 'n' },
  units: [{ n: 1 }],
};

describe('parseVouchedRecord', () => {
  it.each([
    ['as stableJson writes it', stableJson(record)],
    ['on one line', JSON.stringify(record)],
    ['indented by four', JSON.stringify(record, null, 4)],
    ['with an empty list', stableJson({ ...record, files: [] })],
    [
      'with a deeper "files" at depth one first',
      `{\n"a": {\n  "files": [\n1\n  ]\n},\n  "files": [\n    {"path": "x"}\n  ]\n}`,
    ],
    // A hand edit that passed the schema (JSON.parse keeps the last of a repeated key), so a
    // stamp vouches for it: the files are the last list, not the one laid out as stableJson's.
    [
      'with the files repeated after the list stableJson writes',
      `${stableJson(record).slice(0, -2)},\n  "files": []\n}\n`,
    ],
    [
      'with the files repeated, escaped, after the list stableJson writes',
      `${stableJson(record).slice(0, -2)},\n  "fi\\u006ces": [{"path": "y"}]\n}\n`,
    ],
    [
      'with the files repeated before the list stableJson writes',
      `{\n  "files": [],${stableJson(record).slice(1)}`,
    ],
    // Valid JSON the schema takes, so a stamp vouches for it: the list closes on its last
    // item's line, and the first line of two spaces and ] closes a later list.
    [
      'with the list closed on its last line and a later list at depth one',
      stableJson(record).replace('\n    }\n  ],', '\n    }],'),
    ],
    [
      'with names holding brackets, quotes and backslashes',
      stableJson({ ...record, files: [{ ...record.files[0], path: '[a]\\"]\\\\"[' }] }),
    ],
    [
      'with names holding brackets and the list closed on its last line',
      stableJson({ ...record, files: [{ ...record.files[0], path: '[a]\\"]' }] }).replace(
        '\n    }\n  ],',
        '\n    }],',
      ),
    ],
  ])('gives what JSON.parse gives, %s', (_name, text) => {
    const parsed = parseVouchedRecord(text);
    expect(parsed).toEqual(JSON.parse(text));
    expect(Object.keys(parsed)).toEqual(Object.keys(JSON.parse(text)));
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('parses the files of a record as stableJson writes it only when they are read', () => {
    const parsed = parseVouchedRecord(stableJson(record));
    expect(Object.getOwnPropertyDescriptor(parsed, 'files')?.get).toBeTypeOf('function');
    expect(parsed.files).toBe(parsed.files);
    expect(parsed.files).toEqual(record.files);
  });
});
