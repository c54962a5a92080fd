import { describe, expect, it } from 'vitest';
import { renderSha256Sums } from '../../src/bundle/plan.js';
import { TrailerText } from '../../src/commands/bundle/trailer-text.js';
import type { BundleFile } from '../../src/model/record.js';
import { stableJson, stableJsonReusing } from '../../src/util/stable-json.js';

const hex = (c: string) => c.repeat(64);

describe('TrailerText', () => {
  it('writes what stableJson and renderSha256Sums write of the files as they end, however far it rendered early', () => {
    const files: BundleFile[] = [
      { mode: '100644', path: 'a.yaml', sha256: '', size: 3 },
      { mode: '100644', path: 'empty', sha256: '', size: 0 },
      { mode: '120000', path: 'link', sha256: '', size: 6 },
      { mode: '100755', path: 'back\\slash\nname', sha256: '', size: 1 },
      { mode: '100644', path: 'z.yaml', sha256: '', size: 2 },
    ];
    const text = new TrailerText(files);
    // As the packer goes: a file is hashed when the next one starts; the empty one only at the end.
    (files[0] as BundleFile).sha256 = hex('a');
    text.upTo(2);
    (files[2] as BundleFile).linkTarget = 'a.yaml';
    (files[2] as BundleFile).sha256 = hex('b');
    text.upTo(3);
    (files[3] as BundleFile).sha256 = hex('c');
    text.upTo(4);
    // Changed after its text was written (a rescan): written again.
    (files[0] as BundleFile).sha256 = hex('d');
    (files[1] as BundleFile).sha256 = hex('e');
    (files[4] as BundleFile).sha256 = hex('f');
    const { files: rendered, sums } = text.finish();
    const manifest = { id: 'x', files, name: 'n' };
    expect(stableJsonReusing(manifest, rendered)).toBe(stableJson(manifest));
    expect(rendered.value).toBe(files);
    expect(sums).toBe(renderSha256Sums(files));
  });

  it('writes files of any shape and name as stableJson does', () => {
    const files = [
      { mode: '100644', path: 'q"uo\\te\u2028\u00e4\u0001.yaml', sha256: hex('1'), size: 0 },
      { mode: '100644', path: 'neg', sha256: hex('2'), size: -0 },
      { path: 'keys/out/of/order', mode: '100644', sha256: hex('3'), size: 7 },
      { mode: '100644', path: 'big', sha256: hex('4'), size: 2 ** 53 + 2 },
      { mode: '100644', path: 'extra', sha256: hex('5'), size: 1, why: 'a key more' },
    ] as BundleFile[];
    const text = new TrailerText(files);
    text.upTo(files.length);
    const { files: rendered } = text.finish();
    expect(stableJsonReusing({ files }, rendered)).toBe(stableJson({ files }));
  });

  it('writes an empty list', () => {
    const list: BundleFile[] = [];
    const { files, sums } = new TrailerText(list).finish();
    expect(stableJsonReusing({ files: list }, files)).toBe(stableJson({ files: list }));
    expect(files.text).toBe('[]');
    expect(sums).toBe('');
  });
});
