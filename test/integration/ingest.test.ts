import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { type BastionRuns, sharedBastionRun } from '../helpers/bastion.js';
import { expectAirgapError } from '../helpers/errors.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import {
  cliPath,
  commitAll,
  git,
  pasteBlocksOf,
  runbookOf,
  saveTranscript as save,
} from '../helpers/ops-repo.js';

// The same bundle in every test's repo: one bastion run per file (helpers/bastion.ts).
const runs: BastionRuns = new Map();

/** A repo with a prepared bundle and the real output of its bastion.sh. */
async function deployedRepo(
  ops: OpsRepo,
  env: NodeJS.ProcessEnv = {},
  specEdit?: (spec: string) => string,
) {
  const repo = ops.path;
  if (specEdit) {
    const path = join(repo, 'bundles/dev-topics.yaml');
    writeFileSync(path, specEdit(readFileSync(path, 'utf8')));
    commitAll(repo, 'edit spec');
  }
  const result = await bundle({ spec: 'dev-topics', repo, out: ops.dir() });
  commitAll(repo, 'prepared');
  return { repo, result, output: sharedBastionRun(runs, ops, result, env) };
}

/** What a terminal and a copy from it do to the text. */
function asTerminal(output: string): string {
  return output
    .split('\n')
    .map((line, i) =>
      line.startsWith('@@airgap') && i % 3 === 0
        ? `\x1b[?2004h[ec2-user@ip-10-0-1-23 ~]$ ${line}`
        : line,
    )
    .map((line) => line.replace('True', '\x1b[01;32mTrue\x1b[0m'))
    .join('\r\n');
}

describe('airgap ingest on real bastion output', () => {
  it('reads a CRLF, coloured, prompted paste and marks the bundle deployed', async () => {
    await using ops = await opsRepo();
    const { repo, result, output } = await deployedRepo(ops);
    const ingested = await ingest({ transcript: save(ops, asTerminal(output)), repo });
    expect(ingested.status).toBe('deployed');
    const runbook = runbookOf(repo, result.record.id);
    expect(runbook).toContain(
      'quote-requested   example-kafka-cluster-dev   1            1                    True',
    );
    expect(runbook).not.toMatch(/\x1b|\r/);
  });

  it('refuses a transcript for a bundle the repo does not know, writing nothing', async () => {
    await using ops = await opsRepo();
    const { output } = await deployedRepo(ops);
    await using other = await opsRepo();
    const before = git(other.path, 'status', '--porcelain');
    const error = await expectAirgapError(
      ingest({ transcript: save(other, output), repo: other.path }),
    );
    expect(error.exitCode).toBe(21);
    expect(error.message).toMatch(/does not know bundle dev-topics-[0-9a-f]{7}/);
    expect(git(other.path, 'status', '--porcelain')).toBe(before);
  });

  it('refuses a transcript for another bundle than --bundle, and one without markers', async () => {
    await using ops = await opsRepo();
    const { repo, output } = await deployedRepo(ops);
    const wrong = await expectAirgapError(
      ingest({ transcript: save(ops, output), repo, bundle: 'dev-topics-0000000' }),
    );
    expect(wrong.message).toContain('not dev-topics-0000000');
    const none = await expectAirgapError(
      ingest({ transcript: save(ops, 'just some text\n'), repo }),
    );
    expect(none.exitCode).toBe(20);
    expect(existsSync(join(repo, 'docs/RUNBOOKS/transcripts'))).toBe(false);
  });

  it('keeps a paste cut off mid-step as partial, and the second half completes it', async () => {
    await using ops = await opsRepo();
    const { repo, result, output } = await deployedRepo(ops);
    const lines = output.split('\n');
    const cut = lines.findIndex((l) => /@@airgap\/1 begin \S+ 6 step/.test(l)) + 2;
    const first = await ingest({ transcript: save(ops, lines.slice(0, cut).join('\n')), repo });
    expect(first.status).toBe('partial');
    expect(readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8')).toContain('**partial**');
    expect(runbookOf(repo, result.record.id)).toContain(
      '**incomplete** (the paste ends before this block finished)',
    );
    const second = await ingest({ transcript: save(ops, lines.slice(cut - 2).join('\n')), repo });
    expect(second.status).toBe('deployed');
    expect(readFileSync(join(repo, 'PENDING-CHANGES.md'), 'utf8')).toContain('**deployed**');
    expect(readdirSync(join(repo, 'docs/RUNBOOKS/transcripts', result.record.id))).toHaveLength(2);
  });

  it('shows a block pasted twice once', async () => {
    await using ops = await opsRepo();
    const { repo, result, output } = await deployedRepo(ops);
    const lines = output.split('\n');
    const start = lines.findIndex((l) => /begin \S+ 5 step/.test(l));
    const end = lines.findIndex((l) => /end \S+ 5 step/.test(l));
    const doubled = [
      ...lines.slice(0, end + 1),
      ...lines.slice(start, end + 1),
      ...lines.slice(end + 1),
    ].join('\n');
    await ingest({ transcript: save(ops, doubled), repo });
    const runbook = runbookOf(repo, result.record.id);
    // Named by its PASTE.md block, as the sheet shows it.
    const block = pasteBlocksOf(result.outDir, 5);
    expect(block).toHaveLength(1);
    expect(runbook.split(`\n## Block ${block}, unit 5: Apply quote-requested\n`)).toHaveLength(2);
    expect(runbook).toContain('## Issues encountered\n\nNone.');
  });

  it('masks a Secret printed by kubectl and says how many values', async () => {
    await using ops = await opsRepo();
    const { repo, result, output } = await deployedRepo(ops, {}, (spec) =>
      spec.replace(
        'verify:\n',
        `verify:\n  - "printf 'apiVersion: v1\\\\ndata:\\\\n  password: aHVudGVyMg==\\\\nkind: Secret\\\\n'"\n`,
      ),
    );
    expect(output).toContain('aHVudGVyMg==');
    const ingested = await ingest({ transcript: save(ops, output), repo });
    expect(ingested.masked).toBe(1);
    expect(ingested.maskedByRule).toEqual({ 'kubernetes-secret-data': 1 });
    const runbook = runbookOf(repo, result.record.id);
    expect(runbook).not.toContain('aHVudGVyMg==');
    expect(runbook).toContain('password: «masked:kubernetes-secret-data»');
    expect(runbook).toContain('1 value(s) masked');
    const kept = readdirSync(join(repo, 'docs/RUNBOOKS/transcripts', result.record.id));
    expect(
      readFileSync(join(repo, 'docs/RUNBOOKS/transcripts', result.record.id, kept[0]!), 'utf8'),
    ).not.toContain('aHVudGVyMg==');
  });

  it('--dry-run shows the change and writes nothing', async () => {
    await using ops = await opsRepo();
    const { repo, output } = await deployedRepo(ops);
    const before = git(repo, 'status', '--porcelain');
    const preview = await ingest({ transcript: save(ops, output), repo, dryRun: true });
    expect(preview.diff).toContain('PENDING-CHANGES.md');
    expect(preview.diff).toContain('+| `dev-topics-');
    expect(git(repo, 'status', '--porcelain')).toBe(before);
  });

  it('keeps CRLF documents and hand-written text byte for byte', async () => {
    await using ops = await opsRepo();
    const { repo, result, output } = await deployedRepo(ops);
    const pendingPath = join(repo, 'PENDING-CHANGES.md');
    const crlf = readFileSync(pendingPath, 'utf8').replace(/\r?\n/g, '\r\n');
    writeFileSync(pendingPath, crlf);
    await ingest({ transcript: save(ops, output), repo });
    const after = readFileSync(pendingPath, 'utf8');
    const humanPart = crlf.slice(0, crlf.indexOf('<!-- airgap:begin'));
    expect(after.startsWith(humanPart)).toBe(true);
    expect(after).not.toMatch(/[^\r]\n/);
    // The status, then the row's notes (its image is not recorded in docs/ecr-manifest.md).
    expect(after).toContain(`| \`${result.record.id}\` | dev | **deployed**, 1 image not in ECR |`);
  });

  it('keeps a human note added to the runbook when a later paste updates it', async () => {
    await using ops = await opsRepo();
    const { repo, result, output } = await deployedRepo(ops);
    const lines = output.split('\n');
    await ingest({ transcript: save(ops, lines.slice(0, 20).join('\n')), repo });
    const dir = join(repo, 'docs/RUNBOOKS');
    const name = readdirSync(dir).find((f) => f.endsWith(`-${result.record.id}.md`))!;
    writeFileSync(
      join(dir, name),
      `${readFileSync(join(dir, name), 'utf8')}\nOperator note: bastion was slow today.\n`,
    );
    await ingest({ transcript: save(ops, output), repo });
    const runbook = readFileSync(join(dir, name), 'utf8');
    expect(runbook).toContain('Operator note: bastion was slow today.');
    expect(runbook).toContain('**Deployed**');
  });

  it('keeps invalid UTF-8 visible, reads standard input, and refuses a second concurrent ingest', async () => {
    await using ops = await opsRepo();
    const { repo, result, output } = await deployedRepo(ops);
    const withBadBytes = Buffer.concat([
      Buffer.from(output.replace('airgap: RESULT: SUCCESS', 'bytes: \u0000')),
      Buffer.from([0x66, 0xff, 0xfe, 0x67, 0x0a]),
    ]);
    const lock = join(repo, '.git/airgap-ingest.lock');
    writeFileSync(lock, String(process.pid));
    const locked = await expectAirgapError(ingest({ transcript: save(ops, withBadBytes), repo }));
    expect(locked.exitCode).toBe(22);
    writeFileSync(lock, '999999999'); // a lock left by a process that is gone is taken over
    const child = spawn(process.execPath, [cliPath, 'ingest', '-', '--repo', repo, '--json'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stdin.end(withBadBytes);
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, bundleId: result.record.id });
    expect(runbookOf(repo, result.record.id)).toContain('f\uFFFD\uFFFDg');
    expect(existsSync(lock)).toBe(false);
  });
});
