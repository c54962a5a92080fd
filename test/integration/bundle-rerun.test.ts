import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../src/commands/bundle/build.js';
import { type BundleOptions, bundle } from '../../src/commands/bundle/bundle.js';
import { unchangedRerun } from '../../src/commands/bundle/rerun.js';
import { RECORD_KEPT, stampPath, writeRerunStamp } from '../../src/commands/bundle/rerun-stamp.js';
import type { BundleRecord } from '../../src/model/record.js';
import { expectAirgapError } from '../helpers/errors.js';
import { opsRepo } from '../helpers/fixtures.js';
import { commitAll, git } from '../helpers/ops-repo.js';

const TOPIC = 'k8s/dev/topics/kafka-topic-quote-priced.yaml';
const SPEC = 'bundles/dev-topics.yaml';

/**
 * The stamp (.git/airgap/rerun/) lets an unchanged rerun skip the plan. Every change the plan
 * would notice must make the stamp decline (unchangedRerun gives undefined), so that bundle()
 * takes the full way and rebuilds or refuses exactly as it did before the stamp existed.
 */
describe('airgap bundle: the unchanged rerun from the stamp', () => {
  it('answers as the full plan does, and declines after every change the plan would see', async () => {
    await using repo = await opsRepo();
    const options: BundleOptions = { spec: 'dev-topics', repo: repo.path, out: repo.dir() };
    const stampDir = join(repo.path, '.git/airgap/rerun');
    const first = await bundle(options);
    expect(first.alreadyPrepared).toBe(false);
    expect(readdirSync(stampDir)).toHaveLength(1);
    const stampFile = join(stampDir, readdirSync(stampDir)[0]!);

    // Nothing changed: the stamp's answer is the full plan's, field for field.
    const fast = await unchangedRerun(options);
    expect(fast?.alreadyPrepared).toBe(true);
    expect(fast).toEqual(await buildBundle(options));
    // Dirt the spec does not cover changes nothing.
    writeFileSync(join(repo.path, 'notes.txt'), 'scratch\n');
    expect((await unchangedRerun(options))?.record.id).toBe(first.record.id);

    // The bundle directory: another --out, a paste sheet asked for, another format, a lost archive.
    expect(await unchangedRerun({ ...options, out: repo.dir() })).toBeUndefined();
    expect(await unchangedRerun({ ...options, paste: true })).toBeUndefined();
    expect(await unchangedRerun({ ...options, format: 'zip' })).toBeUndefined();
    rmSync(first.archivePath);
    expect(await unchangedRerun(options)).toBeUndefined();
    const rebuilt = await bundle(options);
    expect(rebuilt.alreadyPrepared).toBe(false);
    expect(rebuilt.record.archive.sha256).toBe(first.record.archive.sha256);
    expect(await unchangedRerun(options)).toBeDefined();

    // The record in the repo: damaged, it is reported as before; restored, the stamp holds again.
    const recordFile = join(repo.path, 'bundles/records', `${first.record.id}.json`);
    const recordBytes = readFileSync(recordFile);
    writeFileSync(recordFile, recordBytes.subarray(0, 100));
    expect(await unchangedRerun(options)).toBeUndefined();
    expect((await expectAirgapError(bundle(options))).message).toContain('not a bundle record');
    writeFileSync(recordFile, recordBytes);
    expect(await unchangedRerun(options)).toBeDefined();

    // Uncommitted changes to a covered file or to the spec: refused, as before.
    for (const path of [TOPIC, SPEC]) {
      writeFileSync(
        join(repo.path, path),
        `${readFileSync(join(repo.path, path), 'utf8')}# local\n`,
      );
      expect(await unchangedRerun(options)).toBeUndefined();
      const dirty = await expectAirgapError(bundle(options));
      expect(dirty.exitCode).toBe(4);
      expect(dirty.details).toContain(`modified: ${path}`);
      // From a subdirectory too: the git status started there names paths from the root.
      const inside = await expectAirgapError(
        bundle({ ...options, repo: join(repo.path, 'k8s/dev') }),
      );
      expect(inside.details).toContain(`modified: ${path}`);
      git(repo.path, 'checkout', '-q', '--', path);
    }
    expect(await unchangedRerun(options)).toBeDefined();
    expect(await unchangedRerun({ ...options, repo: join(repo.path, 'k8s/dev') })).toBeDefined();

    // A stamp that is not this airgap's, or not a stamp: the full way, which writes it again.
    const stamp = readFileSync(stampFile, 'utf8');
    writeFileSync(stampFile, stamp.replace(/"build":"/, '"build":"other '));
    expect(await unchangedRerun(options)).toBeUndefined();
    writeFileSync(stampFile, '{"format":"airgap-rerun/1"');
    expect(await unchangedRerun(options)).toBeUndefined();
    expect((await bundle(options)).alreadyPrepared).toBe(true);
    expect(readFileSync(stampFile, 'utf8')).toBe(stamp);
    expect(await unchangedRerun(options)).toBeDefined();

    // A commit that changes no content (a comment in the spec): a new tree, so the full way,
    // which finds the content prepared.
    writeFileSync(
      join(repo.path, SPEC),
      `${readFileSync(join(repo.path, SPEC), 'utf8')}# reviewed\n`,
    );
    commitAll(repo.path, 'comment');
    expect(await unchangedRerun(options)).toBeUndefined();
    expect((await bundle(options)).alreadyPrepared).toBe(true);
    expect((await unchangedRerun(options))?.record.id).toBe(first.record.id);

    // Committed changes to a covered file, then to the spec: new content, built afresh.
    const ids = new Set([first.record.id]);
    for (const [path, from, to] of [
      [TOPIC, 'partitions:', 'partitions: 12 #'],
      [SPEC, 'description: Create', 'description: Now create'],
    ] as const) {
      const text = readFileSync(join(repo.path, path), 'utf8');
      expect(text).toContain(from);
      writeFileSync(join(repo.path, path), text.replace(from, to));
      commitAll(repo.path, `change ${path}`);
      expect(await unchangedRerun(options)).toBeUndefined();
      const changed = await bundle(options);
      expect(changed.alreadyPrepared).toBe(false);
      expect(ids.has(changed.record.id)).toBe(false);
      ids.add(changed.record.id);
      expect((await unchangedRerun(options))?.record.id).toBe(changed.record.id);
    }
  });

  it("holds a large record's sha256, not its bytes, and answers only when the record matches it", async () => {
    await using repo = await opsRepo();
    const options: BundleOptions = { spec: 'dev-topics', repo: repo.path, out: repo.dir() };
    await bundle(options);
    const stampDir = join(repo.path, '.git/airgap/rerun');
    const stampFile = join(stampDir, readdirSync(stampDir)[0]!);
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

    // The writer: past RECORD_KEPT, the digest (a 10 MB record made the stamp 11 MB).
    const json = `${JSON.stringify({ pad: 'x'.repeat(RECORD_KEPT) })}\n`;
    const plan = {
      gitDir: join(repo.path, '.git'),
      commit: stamp.commit,
      tree: stamp.tree,
      specPath: 'bundles/large.yaml',
      format: 'tar.gz' as const,
      id: 'large',
      spec: stamp.spec,
      totalBytes: 1,
      json,
      parsed: JSON.parse(json) as BundleRecord,
    };
    await writeRerunStamp(plan);
    const large = readFileSync(stampPath(plan.gitDir, plan.specPath, plan.format), 'utf8');
    expect(large.length).toBeLessThan(4096);
    expect(JSON.parse(large)).toMatchObject({ recordSha256: sha256(json) });
    expect(JSON.parse(large).record).toBeUndefined();
    // The same stamp again (a warm bundle whose bundle directory went) is left as it is: the
    // record is neither parsed nor compared, the file not written again. Any other is written.
    const file = stampPath(plan.gitDir, plan.specPath, plan.format);
    const inode = statSync(file).ino;
    await writeRerunStamp(plan);
    expect(statSync(file).ino).toBe(inode);
    await writeRerunStamp({ ...plan, totalBytes: 2 });
    expect(statSync(file).ino).not.toBe(inode);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ totalBytes: 2 });

    // The reader: a stamp holding the digest answers for the same bytes, and declines others.
    const { record, ...rest } = stamp;
    expect(typeof record).toBe('string');
    writeFileSync(stampFile, JSON.stringify({ ...rest, recordSha256: sha256(record) }));
    expect((await unchangedRerun(options))?.alreadyPrepared).toBe(true);
    writeFileSync(stampFile, JSON.stringify({ ...rest, recordSha256: sha256(`${record} `) }));
    expect(await unchangedRerun(options)).toBeUndefined();
    // Both, or neither: not a stamp.
    writeFileSync(stampFile, JSON.stringify({ ...rest, record, recordSha256: sha256(record) }));
    expect(await unchangedRerun(options)).toBeUndefined();
    writeFileSync(stampFile, JSON.stringify(rest));
    expect(await unchangedRerun(options)).toBeUndefined();
    writeFileSync(stampFile, JSON.stringify(stamp));
    expect(await unchangedRerun(options)).toBeDefined();
  });
  it("reads a record this build's stamp vouches for without the schema, and any other through it", async () => {
    await using repo = await opsRepo();
    const options: BundleOptions = { spec: 'dev-topics', repo: repo.path, out: repo.dir() };
    const first = await bundle(options);
    const stampDir = join(repo.path, '.git/airgap/rerun');
    const stampFile = join(stampDir, readdirSync(stampDir)[0]!);
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    const recordFile = join(repo.path, 'bundles/records', `${first.record.id}.json`);
    const recordJson = readFileSync(recordFile, 'utf8');
    // A key the schema refuses stands in for "not parsed by the schema": no real record that
    // a stamp vouches for differs from what the schema gives.
    const extra = recordJson.replace(/^\{/, '{\n  "extra": 1,');
    writeFileSync(recordFile, extra);
    const vouching = (record: string) =>
      writeFileSync(stampFile, JSON.stringify({ ...stamp, record }));

    // The bundle directory went (the bench's warm run): the plan finds the record prepared.
    vouching(extra);
    rmSync(first.outDir, { recursive: true });
    const rebuilt = await bundle(options);
    expect(rebuilt.record.archive.sha256).toBe(first.record.archive.sha256);
    expect(readFileSync(join(first.outDir, 'bundle.json'), 'utf8')).toBe(recordJson);
    // A stamp for other bytes, or of another build, vouches for nothing: the schema refuses.
    for (const other of [
      { ...stamp, record: recordJson },
      { ...stamp, build: 'other', record: extra },
    ]) {
      writeFileSync(stampFile, JSON.stringify(other));
      rmSync(first.outDir, { recursive: true, force: true });
      expect((await expectAirgapError(bundle(options))).message).toContain('invalid bundle record');
    }
  });
});
