import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { AirgapError, fromSystemError, missingTool } from '../errors.js';

/**
 * Streams blobs out of one `git cat-file --batch` process, in the order asked for.
 * One process for all files keeps 10,000-file bundles fast; chunks are handed on as
 * they arrive so a 1 GB file never sits in memory.
 */
const HIGH_WATER = 8 * 1024 * 1024;

export class BlobReader {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: Buffer = Buffer.alloc(0);
  /** Chunks received but not yet consumed; the pipe is paused while this holds too much. */
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(root: string, objectIds: readonly string[]) {
    this.child = spawn('git', ['cat-file', '--batch'], {
      cwd: root,
      env: { ...process.env, LC_ALL: 'C' },
    });
    this.child.stderr.resume();
    this.child.on('error', (error) => {
      this.failure = fromSystemError(error) ?? missingTool('git', error);
      this.ended = true;
      this.wake?.();
    });
    // Explicit flow control: an async iterator over a child's stdout can lose buffered data
    // when the child exits before the consumer catches up.
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
      if (this.queuedBytes > HIGH_WATER) this.child.stdout.pause();
      this.wake?.();
    });
    this.child.stdout.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    this.child.stdin.on('error', () => {});
    this.child.stdin.end(objectIds.map((id) => `${id}\n`).join(''));
  }

  private async fill(): Promise<void> {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure;
      if (this.ended) throw new AirgapError('git cat-file ended early while reading blobs');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
    const chunk = this.queue.shift()!;
    this.queuedBytes -= chunk.length;
    if (this.queuedBytes < HIGH_WATER / 2 && this.child.stdout.isPaused())
      this.child.stdout.resume();
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
  }

  /** Yields the next blob's bytes; must be drained fully before the next call. */
  async *next(): AsyncGenerator<Buffer> {
    let newline = this.pending.indexOf(10);
    while (newline < 0) {
      await this.fill();
      newline = this.pending.indexOf(10);
    }
    const header = this.pending.subarray(0, newline).toString('utf8');
    this.pending = this.pending.subarray(newline + 1);
    const match = /^\S+ blob (\d+)$/.exec(header);
    if (!match) throw new AirgapError(`git cat-file could not read a blob: ${header}`);
    let remaining = Number(match[1]);
    while (remaining > 0) {
      if (this.pending.length === 0) await this.fill();
      const take = Math.min(remaining, this.pending.length);
      const chunk = this.pending.subarray(0, take);
      this.pending = this.pending.subarray(take);
      remaining -= take;
      yield chunk;
    }
    // Each blob is followed by a newline.
    if (this.pending.length === 0) await this.fill();
    this.pending = this.pending.subarray(1);
  }

  async readAll(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.next()) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  close(): void {
    this.child.kill();
  }
}
