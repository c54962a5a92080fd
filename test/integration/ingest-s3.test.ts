import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../../scripts/lib/local-s3.js';
import { setSpecEndpoint } from '../../scripts/lib/loop.js';
import { type BundleResult, bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { ingestS3, ingestS3 as ingestS3At } from '../../src/commands/ingest/s3.js';
import { stoppedClockSessions } from '../helpers/bastion.js';
import { expectAirgapError } from '../helpers/errors.js';
import { type OpsRepo, opsRepo, type TempDir } from '../helpers/fixtures.js';
import { commitAll, git, requireTool, runCli } from '../helpers/ops-repo.js';
import { sessionManagerEvents } from '../helpers/session-manager.js';

let s3: LocalS3;
const savedEnv = { ...process.env };
const BUCKET = 'session-logs';

beforeAll(async () => {
  Object.assign(process.env, LOCAL_S3_CREDENTIALS);
  s3 = await startLocalS3(['acme-airgap', BUCKET]);
});
afterAll(async () => {
  await s3.close();
  process.env = savedEnv;
});

function client(): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

async function put(key: string, body: string | Buffer): Promise<void> {
  await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** An ops repo whose specs name the local S3, with the given bundles prepared and committed. */
async function preparedRepo(ops: OpsRepo, specs: string[], edit?: (repo: string) => void) {
  const repo = ops.path;
  setSpecEndpoint(repo, s3.endpoint);
  const quote = join(repo, 'bundles/dev-quote-service.yaml');
  writeFileSync(
    quote,
    readFileSync(quote, 'utf8').replace(
      '  region: us-east-1\nverify',
      `  region: us-east-1\n  endpoint: ${s3.endpoint}\nverify`,
    ),
  );
  edit?.(repo);
  commitAll(repo, 'specs point at the local S3');
  const results: BundleResult[] = [];
  for (const spec of specs) results.push(await bundle({ spec, repo, out: ops.dir() }));
  commitAll(repo, 'prepared');
  return { repo, results };
}

/**
 * One bastion session of a bundle: `raw` as the pty stream Session Manager logs (escapes,
 * CRLF), recorded by script(1) with its header and trailer cut, and with `plain` asked for,
 * also as `bash bastion.sh > file` copies it (a bastion run more, so only when compared). The
 * clock stands still and the cluster starts empty, so both runs print the same.
 */
function session(
  scratch: TempDir,
  result: BundleResult,
  { plain = false } = {},
): { plain?: string; raw: string } {
  const { script, run } = stoppedClockSessions(scratch, result);
  const dir = scratch.dir('airgap-session-');
  if (plain) run(['bash', '-c', `bash ${script} > ${join(dir, 'plain.txt')} 2>&1`]);
  run(['script', '-q', '-c', `bash ${script}`, join(dir, 'typescript')]);
  const typescript = readFileSync(join(dir, 'typescript'), 'utf8');
  const raw = typescript
    .replace(/^Script started on [^\n]*\n/, '')
    .replace(/\r?\nScript done on [^\n]*\n?$/, '');
  expect(raw).toContain('\r\n@@airgap/1 ');
  return { ...(plain ? { plain: join(dir, 'plain.txt') } : {}), raw };
}

/** The runbook with the names that differ between captures of one session made the same. */
function runbookText(repo: string, ingested: { runbook: string; transcript: string }): string {
  return readFileSync(join(repo, ingested.runbook), 'utf8')
    .replaceAll(ingested.transcript.split('/').at(-1)!, 'TRANSCRIPT.log')
    .replace(/sha256=[0-9a-f]{12} \(managed/, 'sha256=BLOCK (managed');
}

function resetRepo(repo: string): void {
  git(repo, 'reset', '-q', '--hard');
  git(repo, 'clean', '-fdq');
}

describe('airgap ingest s3://… of Session Manager logs (s3rver)', () => {
  it('a raw log and a JSON-events log each give the runbook of the pasted copy', async () => {
    if (!requireTool('script')) return;
    await using ops = await opsRepo();
    const { repo, results } = await preparedRepo(ops, ['dev-topics']);
    const { plain, raw } = session(ops, results[0]!, { plain: true });
    await put('raw/operator-0a1b2c3d4e5f67890.log', raw);
    await put('stream/operator-0a1b2c3d4e5f67890.log', sessionManagerEvents(raw));

    const pasted = await ingest({ transcript: plain!, repo });
    expect(pasted.status).toBe('deployed');
    const expected = runbookText(repo, pasted);
    resetRepo(repo);
    for (const key of [
      'raw/operator-0a1b2c3d4e5f67890.log',
      'stream/operator-0a1b2c3d4e5f67890.log',
    ]) {
      const url = `s3://${BUCKET}/${key}`;
      const result = await ingestS3({ url, repo });
      expect(result.prefix).toBe(false);
      const log = result.logs[0]!;
      expect(log).toMatchObject({ url, status: 'ingested' });
      expect(log.result?.format).toBe(key.startsWith('raw/') ? 'terminal' : 'session-events');
      expect(runbookText(repo, log.result!)).toBe(expected);
      // Again: the same log changes nothing.
      const again = await ingestS3({ url, repo });
      expect(again.logs[0]).toMatchObject({ status: 'already' });
      expect(again.logs[0]?.result?.changed).toEqual([]);
      resetRepo(repo);
    }
  }, 90_000);

  it("a prefix: this repo's two logs ingested oldest first, another repo's log skipped with why", async () => {
    if (!requireTool('script')) return;
    await using ops = await opsRepo();
    const { repo, results } = await preparedRepo(ops, ['dev-topics', 'dev-quote-service']);
    // Another team's repo: the same spec, a description of its own, so another bundle id.
    await using ops2 = await opsRepo();
    const other = await preparedRepo(ops2, ['dev-topics'], (r) => {
      const spec = join(r, 'bundles/dev-topics.yaml');
      writeFileSync(
        spec,
        readFileSync(spec, 'utf8').replace('description: Create', 'description: Also create'),
      );
    });
    const otherId = other.results[0]!.record.id;
    expect(otherId).not.toBe(results[0]!.record.id);
    await put('ssm/a-topics.log', session(ops, results[0]!).raw);
    await put('ssm/b-quote.log', sessionManagerEvents(session(ops, results[1]!).raw));
    await put('ssm/c-other.log', session(ops, other.results[0]!).raw);
    const head = git(repo, 'rev-parse', 'HEAD');

    const first = await ingestS3({ url: `s3://${BUCKET}/ssm/`, repo });
    expect(first.prefix).toBe(true);
    expect(first.logs.map((l) => [l.url.split('/').at(-1), l.status])).toEqual([
      ['a-topics.log', 'ingested'],
      ['b-quote.log', 'ingested'],
      ['c-other.log', 'skipped'],
    ]);
    expect(first.logs[2]?.reason).toBe(
      `bundle ${otherId} is not of this repo (no bundles/records/${otherId}.json)`,
    );
    expect(first.logs.slice(0, 2).map((l) => l.result?.bundleId)).toEqual(
      results.map((r) => r.record.id),
    );
    expect(first.logs.slice(0, 2).map((l) => l.result?.status)).toEqual(['deployed', 'deployed']);
    const pending = readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8');
    for (const r of results) expect(pending).toMatch(new RegExp(`${r.record.id}.*deployed`));
    expect(pending).not.toContain(otherId);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);

    commitAll(repo, 'ingested');
    const second = await ingestS3({ url: `s3://${BUCKET}/ssm/`, repo });
    expect(second.logs.map((l) => l.status)).toEqual(['already', 'already', 'skipped']);
    expect(git(repo, 'status', '--porcelain')).toBe('');

    // The CLI says the same within 80 columns, and --json gives every log.
    const cli = await runCli(['ingest', `s3://${BUCKET}/ssm/`, '--repo', repo]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`s3://${BUCKET}/ssm/: 3 object(s), oldest first`);
    expect(cli.stdout).toMatch(/already +a-topics\.log +dev-topics-\w+: deployed/);
    expect(cli.stdout).toContain(`bundle ${otherId} is not of this repo`);
    expect(cli.stdout).toContain('0 ingested, 2 already ingested, 1 skipped');
    for (const line of cli.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const json = await runCli(['ingest', `s3://${BUCKET}/ssm/`, '--repo', repo, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      prefix: true,
      logs: [{ status: 'already' }, { status: 'already' }, { status: 'skipped' }],
    });
  }, 180_000);

  it('no such object, no such bucket, not a session log, no markers: clear errors, nothing written', async () => {
    await using ops = await opsRepo();
    const { repo } = await preparedRepo(ops, []);
    // A damaged record of some other bundle does not stop a log from being read.
    mkdirSync(join(repo, 'bundles/records'), { recursive: true });
    writeFileSync(join(repo, 'bundles/records/broken-1234567.json'), '{"format": "airgap-bun');
    commitAll(repo, 'a damaged record');
    // No bundle record to take the endpoint from: the option gives it.
    const ingestS3 = (o: { url: string; repo: string }) =>
      ingestS3At({ ...o, endpoint: s3.endpoint });
    const before = git(repo, 'status', '--porcelain');
    const missing = await expectAirgapError(
      ingestS3({ url: `s3://${BUCKET}/nope/session.log`, repo }),
    );
    expect(missing.message).toBe(`no such object: s3://${BUCKET}/nope/session.log`);
    expect(missing.hint).toContain(`aws s3 ls s3://${BUCKET}/nope/`);
    const bucket = await expectAirgapError(ingestS3({ url: 's3://no-such-bucket/x.log', repo }));
    expect(bucket.message).toBe('bucket does not exist: no-such-bucket');
    await put('bad/archive.tar.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    const gz = await expectAirgapError(
      ingestS3({ url: `s3://${BUCKET}/bad/archive.tar.gz`, repo }),
    );
    expect(gz.message).toContain('is gzip that does not inflate');
    await put('bad/events.json', '{"eventVersion":"1.0","sessionId":"s-1"}\n');
    const json = await expectAirgapError(ingestS3({ url: `s3://${BUCKET}/bad/events.json`, repo }));
    expect(json.message).toBe(
      `s3://${BUCKET}/bad/events.json is not a Session Manager session log: none of its 1 JSON object(s) has sessionData`,
    );
    await put('bad/quiet.log', '$ ls\r\nREADME.md\r\n$ exit\r\n');
    const quiet = await expectAirgapError(ingestS3({ url: `s3://${BUCKET}/bad/quiet.log`, repo }));
    expect(quiet.message).toBe(`no airgap markers in s3://${BUCKET}/bad/quiet.log`);
    const empty = await expectAirgapError(ingestS3({ url: `s3://${BUCKET}/none/`, repo }));
    expect(empty.message).toBe(`no objects under s3://${BUCKET}/none/`);
    expect(git(repo, 'status', '--porcelain')).toBe(before);
  }, 60_000);
});
