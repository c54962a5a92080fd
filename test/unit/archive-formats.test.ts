import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ARCHIVE_FORMAT_NAMES,
  type ArchiveFormat,
  archiveFormat,
  isArchiveFormat,
} from '../../src/model/archive-formats.js';
import { archiveFileName } from '../../src/model/record.js';
import {
  ARCHIVE_CODECS,
  type ArchiveCodec,
  sniffArchiveFormat,
} from '../../src/paste/archive-codecs.js';
import { raw } from '../../src/paste/sh.js';
import { fixture, tempDir } from '../helpers/fixtures.js';

describe('ARCHIVE_FORMATS', () => {
  it('knows tar.gz and zip, and nothing inherited from Object', () => {
    expect(ARCHIVE_FORMAT_NAMES).toEqual(['tar.gz', 'zip']);
    expect(isArchiveFormat('zip')).toBe(true);
    expect(isArchiveFormat('rar')).toBe(false);
    expect(isArchiveFormat('toString')).toBe(false);
  });

  it('names the archive file with the format extension', () => {
    expect(archiveFileName('dev-topics-1234567', 'tar.gz')).toBe('dev-topics-1234567.tar.gz');
    expect(archiveFileName('dev-topics-1234567', 'zip')).toBe('dev-topics-1234567.zip');
  });

  it('gives each format its content type and a bastion extract command over the given words', () => {
    expect(archiveFormat('tar.gz').contentType).toBe('application/gzip');
    expect(archiveFormat('zip').contentType).toBe('application/zip');
    // The extract command is the format's entry in paste/archive-codecs.ts, built with sh.
    const words = [raw('"$A"'), raw('"$D"')] as const;
    expect(ARCHIVE_CODECS['tar.gz'].extract(...words).text).toBe(
      'tar --no-same-owner -xzf "$A" -C "$D"',
    );
    expect(ARCHIVE_CODECS.zip.extract(...words).text).toBe('unzip -q "$A" -d "$D"');
  });
});

describe('ARCHIVE_CODECS: one entry per format', () => {
  const scratch = fixture(() => tempDir('airgap-codecs-'));
  const manifest = '{"id":"dev-topics-1234567"}\n';
  let work = '';
  let source = '';
  beforeAll(() => {
    work = scratch().path;
    source = join(work, 'src');
    mkdirSync(join(source, 'k8s'), { recursive: true });
    writeFileSync(join(source, 'k8s', 'a.yaml'), 'kind: ConfigMap\n');
    writeFileSync(join(source, 'bundle.json'), manifest);
  });
  // Archives made by the system's tar and zip, not by airgap's writers: the readers and the
  // extract commands must take what other tools write too.
  const made = {
    'tar.gz': () =>
      execFileSync('tar', ['-czf', join(work, 'a.tar.gz'), '-C', source, 'k8s', 'bundle.json']),
    zip: () =>
      execFileSync('zip', ['-qr', join(work, 'a.zip'), 'k8s', 'bundle.json'], { cwd: source }),
  } satisfies Record<ArchiveFormat, () => unknown>;

  for (const format of ARCHIVE_FORMAT_NAMES) {
    it(`${format}: recognised by its magic bytes, hashed, its bundle.json read, extracted by its command`, async () => {
      made[format]();
      const path = join(work, `a.${format}`);
      expect(await sniffArchiveFormat(path)).toBe(format);
      const read = await ARCHIVE_CODECS[format].readManifest(path);
      expect(read.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
      expect(read.manifest?.toString('utf8')).toBe(manifest);
      const out = join(work, `out-${format.replace('.', '-')}`);
      mkdirSync(out);
      const codec = ARCHIVE_CODECS[format];
      const script = `${codec.extract(raw('"$1"'), raw('"$2"')).text}`;
      for (const tool of codec.tools) execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool]);
      execFileSync('sh', ['-c', script, 'sh', path, out]);
      expect(readFileSync(join(out, 'k8s', 'a.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    });
  }

  it('refuses a file of no known format, naming every format', async () => {
    const path = join(work, 'notes.txt');
    writeFileSync(path, 'not an archive\n');
    await expect(sniffArchiveFormat(path)).rejects.toThrow(
      `${path} is neither a tar.gz nor a zip archive`,
    );
  });

  it('is exhaustive at compile time (checked by tsc, which type-checks test/)', () => {
    const tarGz: ArchiveCodec = ARCHIVE_CODECS['tar.gz'];
    // @ts-expect-error: a format of model/archive-formats.ts without its entry does not compile
    const missing: Record<ArchiveFormat, ArchiveCodec> = { 'tar.gz': tarGz };
    // @ts-expect-error: an entry without its magic bytes, reader and writer does not compile
    const partial: ArchiveCodec = { tools: ['tar'], extract: tarGz.extract };
    expect([missing, partial]).toHaveLength(2);
  });
});
