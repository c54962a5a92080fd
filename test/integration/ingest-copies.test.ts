import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../src/commands/bundle/bundle.js';
import { ingest } from '../../src/commands/ingest/ingest.js';
import { findManagedBlock } from '../../src/docs/managed-block.js';
import { RUNBOOK } from '../../src/docs/runbook-document.js';
import { type BastionRuns, fakeBastion, sharedBastionRun } from '../helpers/bastion.js';
import { type OpsRepo, opsRepo } from '../helpers/fixtures.js';
import { fold } from '../helpers/fold.js';
import { commitAll, git, pasteBlocksOf, saveTranscript as save } from '../helpers/ops-repo.js';

// Every test prepares the same bundle: one bastion run per file (helpers/bastion.ts).
const runs: BastionRuns = new Map();

/** A prepared bundle and the output of one real run of its bastion.sh. */
async function session(ops: OpsRepo) {
  const repo = ops.path;
  const result = await bundle({ spec: 'dev-topics', repo, out: ops.dir() });
  commitAll(repo, 'prepared');
  const output = sharedBastionRun(runs, ops, result);
  // Cut inside the output of the step that applies quote-priced, after its first line.
  const step = result.record.units.find((u) => u.command?.includes('quote-priced.yaml'))!;
  const begin = output.search(new RegExp(`@@airgap/1 begin \\S+ ${step.n} step `));
  const cutAt = output.indexOf('\n', output.indexOf('\n', output.indexOf('\n', begin) + 1) + 1);
  return { repo, result, output, cutAt, step };
}

describe('copies of one session', () => {
  it('half a copy, then the whole: one attempt per unit, deployed', async () => {
    await using ops = await opsRepo();
    const { repo, result, output, cutAt, step } = await session(ops);
    const half = await ingest({ transcript: save(ops, output.slice(0, cutAt)), repo });
    expect(half.status).toBe('partial');
    const whole = await ingest({ transcript: save(ops, output), repo });
    expect(whole.status).toBe('deployed');
    expect(whole.runs).toBe(1);
    const runbook = readFileSync(join(repo, whole.runbook), 'utf8');
    expect(runbook).not.toMatch(/ran \d+ times/i);
    expect(runbook).not.toContain('earlier run');
    const block = pasteBlocksOf(result.outDir, step.n);
    expect(runbook.match(new RegExp(`^## Block ${block}, unit ${step.n}:`, 'gm'))).toHaveLength(1);
    expect(result.record.id).toBe(whole.bundleId);
  });

  it('the same session copied again at 80 columns is the session seen before: nothing changes', async () => {
    await using ops = await opsRepo();
    const { repo, output } = await session(ops);
    // As script(1) records it: its header line is longer than 80 columns.
    // After the blocks, a line of exactly 80 characters typed by hand: in the folded copy it
    // looks like a wrapped row and is joined with the next line, so the bytes differ there.
    const typescript = `Script started on 2026-12-07 02:01:23+00:00 [COMMAND="bash --norc -i" <not executed on terminal>]\n${output}${'#'.repeat(80)}\nafter\nScript done on 2026-12-07 02:01:24+00:00 [COMMAND_EXIT_CODE="0"]\n`;
    const first = await ingest({ transcript: save(ops, typescript), repo });
    expect(first.status).toBe('deployed');
    commitAll(repo, 'ingested');
    // What `fold -w 80` makes of it: every longer line cut into lines of 80 characters, so
    // the header is no longer one line airgap drops, and the cleaned copy differs.
    const folded = typescript
      .split('\n')
      .map((line) => line.match(/.{1,80}/g)?.join('\n') ?? line)
      .join('\n');
    const again = await ingest({ transcript: save(ops, folded), repo });
    expect(again.status).toBe('deployed');
    expect(again.duplicate).toBe(true);
    expect(again.transcript).toBe(first.transcript);
    expect(again.changed).toEqual([]);
    // A terminal's own copy drops the spaces at the end of each row, so a row that ended
    // in a space at column 80 is no longer 80 wide and is not rejoined: the bytes differ.
    const fromTerminal = folded
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n');
    expect(fromTerminal).not.toBe(folded);
    const third = await ingest({ transcript: save(ops, fromTerminal), repo });
    expect(third.duplicate).toBe(true);
    expect(third.changed).toEqual([]);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('a typescript folded at 80 through its escape sequences is the session seen before; another session is kept whole', async () => {
    await using ops = await opsRepo();
    const { repo, output } = await session(ops);
    // As a terminal writes it: CR LF line ends, and bash's echo of a paste highlighted and
    // redrawn, whose escape sequences and redraw `fold -w 80` cuts (n8b's finding 6).
    const echo = `bash-5.2# \x1b[7mAIRGAP_NONCE=$(command od -An -N4 -tx1 /dev/urandom | command tr -d ' \x1b[27m\x1b[7m\\\x1b[27m\r\x1b[7m\\n') || :\x1b[27m\n`;
    const body = `${echo}${'\x1b[7mab\x1b[27m'.repeat(20)}\n${output}after\n`.replaceAll(
      '\n',
      '\r\n',
    );
    const header =
      'Script started on 2026-12-07 02:01:23+00:00 [COMMAND="bash --norc -i" TERM="xterm" TTY="/dev/pts/0" COLUMNS="80" LINES="24"]\n';
    const typescript = `${header}${body}\r\nScript done on 2026-12-07 02:01:24+00:00 [COMMAND_EXIT_CODE="0"]\n`;
    const folded = (text: string) => fold(Buffer.from(text, 'latin1'), 80).toString('latin1');
    expect(folded(typescript)).toMatch(/\x1b\[\d*\n/);
    const first = await ingest({ transcript: save(ops, typescript), repo });
    expect(first.status).toBe('deployed');
    commitAll(repo, 'ingested');
    const again = await ingest({ transcript: save(ops, folded(typescript)), repo });
    expect(again.duplicate).toBe(true);
    expect(again.transcript).toBe(first.transcript);
    expect(again.changed).toEqual([]);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    // Another session (one line differs), folded the same way: a second transcript, every line
    // of it kept as the unfolded session's would be.
    const other = typescript.replace('\r\nafter\r\n', '\r\nafter, in another shell\r\n');
    const second = await ingest({ transcript: save(ops, folded(other)), repo });
    expect(second.duplicate).toBe(false);
    expect(second.transcript).not.toBe(first.transcript);
    const kept = (ingested: { transcript: string }) =>
      readFileSync(join(repo, ingested.transcript), 'utf8');
    expect(kept(second)).toBe(kept(first).replace('\nafter\n', '\nafter, in another shell\n'));
  });

  it('a lone-CR copy is ingested as the copy it is', async () => {
    await using ops = await opsRepo();
    const { repo, output } = await session(ops);
    const ingested = await ingest({ transcript: save(ops, output.replaceAll('\n', '\r')), repo });
    expect(ingested.status).toBe('deployed');
    expect(ingested.counts.notYetSeen).toBe(0);
  });

  it('an asciinema cast cut mid-unit by a dropped session is ingested as partial', async () => {
    await using ops = await opsRepo();
    const { repo, output, cutAt } = await session(ops);
    const events = output
      .split(/(?<=\n)/)
      .map((line, i) => JSON.stringify([i / 10, 'o', line.replace(/\n$/, '\r\n')]));
    const header = JSON.stringify({ version: 2, width: 80, height: 24 });
    const kept = output.slice(0, cutAt).split(/(?<=\n)/).length;
    // Whole events up to the cut, then half of the next one: what a dropped session leaves.
    const next = events[kept]!;
    const cast = [header, ...events.slice(0, kept), next.slice(0, next.length >> 1)].join('\n');
    const ingested = await ingest({ transcript: save(ops, cast, 'session.cast'), repo });
    expect(ingested.format).toBe('asciicast');
    expect(ingested.status).toBe('partial');
    expect(ingested.counts.ok).toBeGreaterThan(0);
    expect(git(repo, 'status', '--porcelain')).toContain('docs/RUNBOOKS/');
  });

  it('an upload repeated after a successful one is history, not an issue; images missing from ECR are named', async () => {
    await using ops = await opsRepo();
    const { repo, output, result } = await session(ops);
    const id = /@@airgap\/1 begin (\S+) /.exec(output)![1];
    const upload = (epoch: number, rc: number) =>
      `@@airgap/1 begin ${id} 1 upload ${epoch} s=c0ffee01\nupload: ok\n@@airgap/1 end ${id} 1 upload rc=${rc} ${epoch + 3} s=c0ffee01\n`;
    const twice = `${upload(1795678000, 0)}${upload(1795678100, 0)}`;
    const ingested = await ingest({ transcript: save(ops, `${twice}${output}`), repo });
    expect(ingested.status).toBe('deployed');
    const runbook = readFileSync(join(repo, ingested.runbook), 'utf8');
    const issues = runbook.slice(runbook.indexOf('## Issues encountered'));
    expect(issues).toMatch(/^## Issues encountered\n\nNone\.\n/);
    // dev-topics' smoke test runs kcat, which docs/ecr-manifest.md does not show for dev.
    expect(runbook).toMatch(
      /> \*\*Images not recorded in ECR\*\* for this environment: `[^`]*kcat:1\.7\.1`/,
    );

    const failedFirst = `${upload(1795679000, 1)}${upload(1795679100, 0)}`;
    const again = await ingest({ transcript: save(ops, `${failedFirst}${output}`), repo });
    const second = readFileSync(join(repo, again.runbook), 'utf8');
    // Both pastes' uploads, in time order: one of them failed, so the history is an issue.
    // Unit 1 is the upload of both CloudShell blocks, with airgap and with the aws CLI alone.
    const blocks = pasteBlocksOf(result.outDir, 1, 'CloudShell');
    expect(blocks).toHaveLength(2);
    expect(second).toMatch(
      new RegExp(
        `- CloudShell block ${blocks.join(' or ')}, unit 1 \\(Upload the bundle to S3\\) ran 4 times: rc=0 at \\S+, then rc=0 at \\S+, then rc=1 at `,
      ),
    );
  });

  it('keeps a transcript over the file limit gzipped and quotes a huge output only up to the cap', async () => {
    await using repo = await opsRepo();
    const specPath = join(repo.path, 'bundles/dev-topics.yaml');
    const loud = `  - name: Print 5.9 MB\n    run: seq 1 800000\n`;
    writeFileSync(
      specPath,
      readFileSync(specPath, 'utf8').replace('verify:\n', `${loud}verify:\n`),
    );
    commitAll(repo.path, 'a loud step');
    const result = await bundle({ spec: 'dev-topics', repo: repo.path, out: repo.dir() });
    commitAll(repo.path, 'prepared');
    const bastion = fakeBastion(repo, result);
    const output = execFileSync('bash', [join(result.outDir, 'bastion.sh')], {
      cwd: bastion.home,
      env: bastion.env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const maxFileBytes = 2 * 1024 * 1024; // 50 MB in use: the same code, a smaller file
    const ingested = await ingest({
      transcript: save(repo, output),
      repo: repo.path,
      maxFileBytes,
    });
    expect(ingested.status).toBe('deployed');
    expect(ingested.transcript).toMatch(/\.log\.gz$/);
    const kept = join(repo.path, ingested.transcript);
    expect(statSync(kept).size).toBeLessThan(maxFileBytes);
    expect(gunzipSync(readFileSync(kept)).toString()).toContain('\n799999\n800000\n');
    const runbook = readFileSync(join(repo.path, ingested.runbook), 'utf8');
    expect(runbook).toMatch(
      new RegExp(
        `\\d+ more bytes are left out here; the complete output is in \`${ingested.transcript}\` \\(gzip\\)\\.`,
      ),
    );
    expect(statSync(join(repo.path, ingested.runbook)).size).toBeLessThan(4.5 * 1024 * 1024);
    // The block's hash is its body's, though the gzip thread took it (it follows the runbook).
    expect(findManagedBlock(runbook, RUNBOOK.block)?.editedByHand).toBe(false);
    // A later paste re-renders from the gzipped one as from a plain one.
    const again = await ingest({
      transcript: save(repo, `${output}typed later\n`),
      repo: repo.path,
      maxFileBytes,
    });
    expect(again.status).toBe('deployed');
    const rerendered = readFileSync(join(repo.path, again.runbook), 'utf8');
    expect(rerendered).toContain('typed later');
    expect(findManagedBlock(rerendered, RUNBOOK.block)?.editedByHand).toBe(false);
  });
});
