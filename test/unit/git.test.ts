import { describe, expect, it } from 'vitest';
import { parseLsTree } from '../../src/repo/git.js';

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
});
