import { Header } from 'tar/header';
import { describe, expect, it } from 'vitest';
import { encodeUstar, type UstarFields, ustarTemplate } from '../../src/bundle/ustar-header.js';

const mtime = new Date('2000-01-01T00:00:00Z');

/** The header node-tar encodes for the same entry, as the tar writer used to write it. */
function nodeTarHeader(fields: UstarFields): { block: Buffer; needPax: boolean } {
  const header = new Header({ uid: 0, gid: 0, uname: '', gname: '', mtime, ...fields });
  const block = Buffer.alloc(512);
  header.encode(block);
  return { block, needPax: header.needPax };
}

describe('encodeUstar', () => {
  const template = ustarTemplate(mtime);

  it.each<UstarFields>([
    { path: 'k8s/dev/topic.yaml', mode: 0o644, size: 1234, type: 'File' },
    { path: 'bin/run.sh', mode: 0o755, size: 0, type: 'File' },
    { path: 'bundle.json', mode: 0o644, size: 8_934_387, type: 'File' },
    { path: 'big.iso', mode: 0o644, size: 0o77777777777, type: 'File' },
    { path: `${'d/'.repeat(49)}x`, mode: 0o644, size: 7, type: 'File' },
    { path: 'k8s/link', mode: 0o777, size: 0, type: 'SymbolicLink', linkpath: '../base/x.yaml' },
    { path: 'l', mode: 0o777, size: 0, type: 'SymbolicLink', linkpath: 'a'.repeat(100) },
    { path: 'sp ace/"quote".yaml', mode: 0o644, size: 512, type: 'File' },
  ])('writes the bytes node-tar writes for $path ($size bytes)', (fields) => {
    const block = Buffer.alloc(512, 0xff);
    expect(encodeUstar(block, template, fields)).toBe(true);
    const expected = nodeTarHeader(fields);
    expect(expected.needPax).toBe(false);
    expect(block.equals(expected.block)).toBe(true);
  });

  it.each<UstarFields>([
    { path: `${'d/'.repeat(50)}x`, mode: 0o644, size: 1, type: 'File' },
    { path: 'k8s/dä.yaml', mode: 0o644, size: 1, type: 'File' },
    { path: 'huge', mode: 0o644, size: 0o77777777777 + 1, type: 'File' },
    { path: 'l', mode: 0o777, size: 0, type: 'SymbolicLink', linkpath: 'a'.repeat(101) },
    { path: 'l', mode: 0o777, size: 0, type: 'SymbolicLink', linkpath: 'zié' },
  ])('leaves $path to node-tar (prefix split or pax)', (fields) => {
    expect(encodeUstar(Buffer.alloc(512), template, fields)).toBe(false);
  });
});
