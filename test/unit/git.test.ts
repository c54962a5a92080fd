import { describe, expect, it } from 'vitest';
import { parseLsTree, type TreeEntry } from '../../src/repo/git.js';

const id = 'a'.repeat(40);
const record = (head: string, name: Buffer | string) =>
  Buffer.concat([Buffer.from(`${head}\t`), Buffer.from(name), Buffer.from([0])]);

describe('parseLsTree', () => {
  it('reads modes, types, ids, padded sizes and UTF-8 names with tabs and spaces', () => {
    const output = Buffer.concat([
      record(`100644 blob ${id}     123`, 'k8s/dev/topic.yaml'),
      record(`100755 blob ${id} 7`, 'bin/ä ö\tx.sh'),
      record(`120000 blob ${id}      12`, 'k8s/link'),
      record(`160000 commit ${id}       -`, 'vendor/sub'),
    ]);
    expect(parseLsTree(output)).toEqual([
      { path: 'k8s/dev/topic.yaml', mode: '100644', type: 'blob', objectId: id, size: 123 },
      { path: 'bin/ä ö\tx.sh', mode: '100755', type: 'blob', objectId: id, size: 7 },
      { path: 'k8s/link', mode: '120000', type: 'blob', objectId: id, size: 12 },
      { path: 'vendor/sub', mode: '160000', type: 'commit', objectId: id, size: 0 },
    ]);
  });

  it('keeps the raw bytes of a name that is not UTF-8, and only of that one', () => {
    const bad = Buffer.from([0x6b, 0x2f, 0xff, 0x2e, 0x79]);
    const entries = parseLsTree(
      Buffer.concat([record(`100644 blob ${id} 1`, 'ok.yaml'), record(`100644 blob ${id} 2`, bad)]),
    );
    expect(entries[0]).toEqual({
      path: 'ok.yaml',
      mode: '100644',
      type: 'blob',
      objectId: id,
      size: 1,
    });
    expect(entries[1]?.rawName?.equals(bad)).toBe(true);
    expect(entries[1]?.path).toBe(bad.toString('utf8'));
  });

  it('reads every header as splitting it at runs of spaces did, odd ones included', () => {
    // What parseLsTree did before it read records by index (kept here as the reference).
    const split = (output: string): TreeEntry[] =>
      output
        .split('\0')
        .filter(Boolean)
        .map((record) => {
          const tab = record.indexOf('\t');
          const [mode = '', type = '', objectId = '', size = '-'] = record
            .slice(0, tab)
            .split(/ +/);
          const entry = { path: record.slice(tab + 1), mode, objectId, size: 0 };
          return {
            ...entry,
            type: type as TreeEntry['type'],
            size: size === '-' ? 0 : Number(size),
          };
        });
    const long = 'b'.repeat(64);
    const heads = [
      `100644 blob ${id}     123`,
      `100644 blob ${long} 12345678901`,
      `160000 commit ${id}       -`,
      `100644  blob ${id} 5`,
      `100644 blob  ${id} 5`,
      ` 100644 blob ${id} 5`,
      `100644 blob ${id}`,
      `100644 blob ${id} `,
      `100644 blob ${id} 5 `,
      `100644 blob ${id} 5 6`,
      `100644 blob ${id} \u00a0-`,
      `100644 blob ${id} \u00a05`,
      `100644 blob ${id} x`,
      `100644 blob`,
      '',
    ];
    const records = [
      ...heads.map((head, i) => `${head}\tk8s/f ${i}.yaml`),
      `100644 blob ${id} 9 no tab at all`,
      `100644 blob ${id} 9\tname\twith\ttabs ä`,
    ];
    for (const record of records) {
      const alone = `${record}\0`;
      expect(parseLsTree(Buffer.from(alone)), JSON.stringify(record)).toEqual(split(alone));
    }
    const all = `${records.join('\0')}\0`;
    expect(parseLsTree(Buffer.from(all))).toEqual(split(all));
    // A record without a tab does not borrow the next record's.
    expect(parseLsTree(Buffer.from(`a b c 1\0${records[0]}\0`))[0]?.path).toBe('a b c 1');
  });
});
