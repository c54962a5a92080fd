/**
 * How airgap runs git: a fixed locale, no pager, its output whole (through a pipe, or a
 * temporary file for long listings), and a clear error when git cannot start.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirgapError, fromSystemError, missingTool } from '../errors.js';
import { childProcess } from './child-process.js';

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** A fixed locale and no pager so output can be parsed; no index refresh unless allowed. */
function gitEnv(optionalLocks: boolean): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LC_ALL: 'C',
    GIT_PAGER: 'cat',
    GIT_OPTIONAL_LOCKS: optionalLocks ? '1' : '0',
  };
}

/**
 * Why git did not start. A spawn whose cwd is missing fails with ENOENT as a missing git does:
 * `--repo /no/such/dir` said "git is not installed" (exit 34) and sent users to reinstall it.
 */
function spawnFailed(cwd: string, error: unknown): AirgapError {
  let isDirectory: boolean | undefined;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    isDirectory = undefined;
  }
  if (isDirectory !== true)
    return new AirgapError(
      isDirectory === false ? `not a directory: ${cwd}` : `directory not found: ${cwd}`,
      {
        hint: 'pass the ops repo (or a folder inside it) with --repo DIR',
        code: 'usage',
        cause: error,
      },
    );
  return fromSystemError(error) ?? missingTool('git', error);
}

/**
 * Runs git with a fixed locale and no pager so output can be parsed, and without the index
 * refresh git status would otherwise write (`optionalLocks` allows it).
 */
export function runGit(
  cwd: string,
  args: readonly string[],
  input?: string,
  optionalLocks = false,
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn('git', args, {
      cwd,
      env: gitEnv(optionalLocks),
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(spawnFailed(cwd, error)));
    child.on('close', (code) =>
      resolve({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? 1,
      }),
    );
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // git may exit before reading all input
      child.stdin.end(input);
    }
  });
}

/** Temp files made by this process, for their names (src/ reads the clock only through its context). */
let tempFiles = 0;

/**
 * runGit for a long output, written by git into an unlinked temporary file instead of a pipe:
 * through a pipe git stops at every 64 KiB until node reads, so while the main thread is busy
 * (a warm bundle loads its scan cache while the tree is listed: 0.4 s) git waited on it; into
 * a file it runs to the end beside it. A pipe when no temporary file can be made, or when git
 * fails writing into it.
 */
export function runGitToFile(cwd: string, args: readonly string[]): Promise<GitResult> {
  let fd: number;
  try {
    // O_EXCL: a name taken (or a link planted there) fails, and git writes through a pipe.
    // No node:crypto for the name: an unchanged rerun loads this module, and not crypto.
    const name = `airgap-git-${process.pid}-${++tempFiles}-${Math.random().toString(36).slice(2)}`;
    const path = join(tmpdir(), name);
    fd = openSync(path, 'wx+', 0o600);
    try {
      unlinkSync(path); // nothing is left behind, whatever happens next
    } catch {
      closeSync(fd);
      return runGit(cwd, args);
    }
  } catch {
    return runGit(cwd, args);
  }
  return new Promise<GitResult>((resolve, reject) => {
    let open = true;
    const done = (settle: () => void) => {
      if (!open) return;
      open = false;
      try {
        settle();
      } finally {
        closeSync(fd);
      }
    };
    const child = childProcess().spawn('git', args, {
      cwd,
      env: gitEnv(false),
      stdio: ['ignore', fd, 'pipe'],
    });
    const err: Buffer[] = [];
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => done(() => reject(spawnFailed(cwd, error))));
    child.on('close', (code) =>
      done(() => {
        // A file that could not take all of git's output (a full TMPDIR: git fails writing
        // it) is no reason to fail: the pipe, as before. A git that fails for itself fails
        // there again, and that answer is the one reported.
        if (code !== 0) {
          resolve(runGit(cwd, args));
          return;
        }
        try {
          resolve({
            stdout: readWhole(fd),
            stderr: Buffer.concat(err).toString('utf8'),
            code: code ?? 1,
          });
        } catch (error) {
          reject(error);
        }
      }),
    );
  });
}

/** Everything in the file open at fd, read from its start. */
function readWhole(fd: number): Buffer {
  const data = Buffer.allocUnsafe(fstatSync(fd).size);
  let at = 0;
  for (let read = 1; at < data.length && read > 0; at += read)
    read = readSync(fd, data, at, data.length - at, at);
  return data.subarray(0, at);
}

export async function gitOk(
  cwd: string,
  args: readonly string[],
  run: typeof runGit = runGit,
): Promise<Buffer> {
  const result = await run(cwd, args);
  if (result.code !== 0) {
    throw new AirgapError(
      `git ${args[0]} failed in ${cwd}: ${result.stderr.trim().split('\n')[0]}`,
    );
  }
  return result.stdout;
}
