import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from '../../scripts/lib/local-s3.js';
import { UPLOAD_STATE_FILE } from '../../src/transfer/upload-state.js';
import { unwrapped } from '../helpers/errors.js';
import { fakeBundleDir } from '../helpers/fake-bundle.js';
import { tempDir } from '../helpers/fixtures.js';
import { startObservingProxy } from '../helpers/flaky-proxy.js';
import { cliPath, projectRoot, runCli } from '../helpers/ops-repo.js';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3(['acme-airgap']);
});
afterAll(async () => {
  await s3.close();
});

const MiB = 1024 * 1024;
const env = { ...process.env, ...LOCAL_S3_CREDENTIALS };
const PART_PUT = /^PUT \S*partNumber=\d+/;
/** How long a stalled upload may take to reach two parts, or to exit once told to. */
const WAIT_MS = 60_000;

async function downloadSha(key: string): Promise<string> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const response = await client.send(new GetObjectCommand({ Bucket: 'acme-airgap', Key: key }));
  const hash = createHash('sha256');
  for await (const chunk of response.Body as Readable) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Starts `airgap upload` through a proxy on which parts 3 and later never get an answer, and
 * returns once the bundle dir records parts 1 and 2 as in S3.
 */
async function stalledUpload(dir: string, options: { pty?: boolean } = {}) {
  const proxy = await startObservingProxy(s3.port, {
    hang: /^PUT \S*partNumber=([3-9]|\d\d)/,
    count: /^DELETE \S*uploadId=/,
  });
  const args = [cliPath, 'upload', dir, '--endpoint', proxy.endpoint];
  // On a pseudo-terminal (script(1)) the upload shows its progress bar, and Ctrl-C typed
  // there reaches it as a terminal's SIGINT does: from the line discipline, to its group.
  const child = options.pty
    ? spawn(
        'script',
        ['-q', '-e', '-c', [process.execPath, ...args].map((a) => `'${a}'`).join(' '), '/dev/null'],
        { env: { ...env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] },
      )
    : spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  // Through script(1) stdout and stderr are one terminal.
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (d) => {
      stderr += d;
    });
  // 'close', not 'exit': the output is complete only once the pipes are closed.
  let ended: string | undefined;
  const exited = new Promise<number | null>((done) =>
    child.on('close', (code, signal) => {
      ended = `exit ${code ?? signal}`;
      done(code);
    }),
  );
  const state = join(dir, UPLOAD_STATE_FILE);
  const partsDone = () =>
    existsSync(state)
      ? Object.keys((JSON.parse(readFileSync(state, 'utf8')) as { parts: object }).parts).length
      : 0;
  // Bounded waits: a run that hangs fails in a minute with what is still open, not at the
  // test's timeout with nothing to go on.
  const stuck = (waitingFor: string) => {
    const report = [
      `waited ${WAIT_MS / 1000} s for ${waitingFor}; upload: ${ended ?? 'still running'}`,
      `parts in the state file: ${existsSync(state) ? partsDone() : 'no state file'}`,
      `proxy connections: ${proxy.open().join('; ') || 'none'}`,
      ...openFiles(child),
      `output:\n${stderr}`,
    ].join('\n');
    killTree(child);
    return new Error(report);
  };
  const deadline = Date.now() + WAIT_MS;
  while (partsDone() < 2) {
    if (ended)
      throw new Error(`the upload ended (${ended}) before two parts were in S3:\n${stderr}`);
    if (Date.now() > deadline) throw stuck('two parts in the state file');
    await new Promise((r) => setTimeout(r, 50));
  }
  /** The exit code, or an error saying what is still open after WAIT_MS. */
  const exit = async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(stuck('the upload to exit')), WAIT_MS);
    });
    try {
      return await Promise.race([exited, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, exit, proxy, partsDone, stderr: () => stderr };
}

/** The process, then its descendants (script(1) runs node under it), depth first. */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {}
  return [pid, ...children.flatMap(processTree)];
}

/** Each live process of the child's tree: its command line and open descriptors. */
function openFiles(child: ChildProcess): string[] {
  if (!child.pid) return [];
  return processTree(child.pid).map((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const fds = readdirSync(`/proc/${pid}/fd`).map((fd) => {
        try {
          return `${fd}=${readlinkSync(`/proc/${pid}/fd/${fd}`)}`;
        } catch {
          return `${fd}=?`;
        }
      });
      return `pid ${pid} (${args}): ${fds.join(' ')}`;
    } catch {
      return `pid ${pid}: gone`;
    }
  });
}

function killTree(child: ChildProcess) {
  if (!child.pid) return;
  for (const pid of processTree(child.pid).reverse())
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
}

describe('interrupted uploads against s3rver', () => {
  it('resumes an upload killed after two parts: sends only the missing parts', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 40 * MiB, 'resume-1234567'); // 5 parts of 8 MiB
    const stalled = await stalledUpload(bundle.dir);
    expect(stalled.partsDone()).toBe(2);
    stalled.child.kill('SIGKILL');
    await stalled.exit();
    await stalled.proxy.close();

    const counting = await startObservingProxy(s3.port, { count: PART_PUT });
    try {
      const resumed = await runCli(
        ['upload', bundle.dir, '--endpoint', counting.endpoint, '--json'],
        {
          env,
        },
      );
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({
        status: 'uploaded',
        partsSent: 3,
        partsReused: 2,
      });
      expect(
        counting
          .counted()
          .map((line) => /partNumber=(\d+)/.exec(line)?.[1])
          .sort(),
      ).toEqual(['3', '4', '5']);
    } finally {
      await counting.close();
    }
    expect(await downloadSha('bundles/dev/resume-1234567.tar.gz')).toBe(bundle.sha256);
    expect(existsSync(join(bundle.dir, UPLOAD_STATE_FILE))).toBe(false);
  });

  it('re-sends a part whose local bytes no longer match what S3 holds', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 24 * MiB, 'reverify-1234567'); // 3 parts
    const stalled = await stalledUpload(bundle.dir);
    stalled.child.kill('SIGKILL');
    await stalled.exit();
    await stalled.proxy.close();
    // Part 2 as S3 has it is stale: the state says another ETag than the local bytes give.
    const statePath = join(bundle.dir, UPLOAD_STATE_FILE);
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { parts: Record<string, string> };
    state.parts['2'] = '"00000000000000000000000000000000"';
    writeFileSync(statePath, JSON.stringify(state));
    const counting = await startObservingProxy(s3.port, { count: PART_PUT });
    try {
      const resumed = await runCli(
        ['upload', bundle.dir, '--endpoint', counting.endpoint, '--json'],
        {
          env,
        },
      );
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ partsSent: 2, partsReused: 1 });
      expect(counting.counted()).toHaveLength(2);
    } finally {
      await counting.close();
    }
    expect(await downloadSha('bundles/dev/reverify-1234567.tar.gz')).toBe(bundle.sha256);
  });

  it('Ctrl-C typed on a pseudo-terminal aborts the multipart upload, removes the state, exits 130', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 24 * MiB, 'ptyctrlc-1234567');
    const stalled = await stalledUpload(bundle.dir, { pty: true });
    stalled.child.stdin!.write('\x03');
    expect(await stalled.exit()).toBe(130);
    await stalled.proxy.close();
    expect(unwrapped(stalled.stderr())).toContain('interrupted; the multipart upload was aborted');
    expect(stalled.proxy.counted()).toHaveLength(1);
    expect(existsSync(join(bundle.dir, UPLOAD_STATE_FILE))).toBe(false);
  });

  it('Ctrl-C while write-file-atomic saves the state still reaches the abort', async () => {
    // signal-exit (inside write-file-atomic) re-raises a signal nobody else listens to: the
    // upload's listener must still be there when it looks, or the process dies mid-write.
    await using tmp = await tempDir();
    const script = `
      import writeFileAtomic from 'write-file-atomic';
      import { abortOnInterrupt } from './dist/src/util/process.js';
      const interrupt = abortOnInterrupt();
      const write = writeFileAtomic(${JSON.stringify(join(tmp.dir(), 'state.json'))}, 'x'.repeat(1 << 20));
      process.kill(process.pid, 'SIGINT');
      await write;
      await new Promise((r) => setTimeout(r, 0));
      console.log(interrupt.signal.aborted ? 'aborted' : 'not aborted');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    expect(run.signal).toBe(null);
    expect(run.stdout.trim()).toBe('aborted');
  });

  it('Ctrl-C aborts: exit 130, nothing kept to resume, the next run sends every part', async () => {
    await using tmp = await tempDir();
    const bundle = fakeBundleDir(tmp, 24 * MiB, 'ctrlc-1234567');
    const stalled = await stalledUpload(bundle.dir);
    stalled.child.kill('SIGINT');
    expect(await stalled.exit()).toBe(130);
    await stalled.proxy.close();
    expect(unwrapped(stalled.stderr())).toContain('interrupted; the multipart upload was aborted');
    expect(existsSync(join(bundle.dir, UPLOAD_STATE_FILE))).toBe(false);
    const counting = await startObservingProxy(s3.port, { count: PART_PUT });
    try {
      const again = await runCli(['upload', bundle.dir, '--endpoint', counting.endpoint], { env });
      expect(again.code, again.stderr).toBe(0);
      expect(counting.counted()).toHaveLength(3);
    } finally {
      await counting.close();
    }
    expect(await downloadSha('bundles/dev/ctrlc-1234567.tar.gz')).toBe(bundle.sha256);
  });
});
