/**
 * The one error type a user sees. Anything else that escapes a command is a bug
 * and is reported as such by the CLI entry.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  invalidSpec: 3,
  dirtyTree: 4,
  unsafeContent: 5,
  integrity: 6,
  conflict: 7,
  awsCredentials: 10,
  awsAccessDenied: 11,
  awsNoSuchBucket: 12,
  awsWrongRegion: 13,
  awsKms: 14,
  awsUnreachable: 15,
  awsOther: 16,
  transcript: 20,
  unknownBundle: 21,
  locked: 22,
  writeFailed: 23,
  noSpace: 30,
  permission: 31,
  readOnly: 32,
  corruptFile: 33,
  missingTool: 34,
  /** `ingest --check`: the bundle's outcome is failed. */
  outcomeFailed: 25,
  /** `ingest --check`: partial, or no bastion block yet. */
  outcomeIncomplete: 26,
  /** `status --check`: something needs attention (a pre-push hook tells it from an error). */
  attention: 27,
  /** A bug in airgap: an invariant broke, or an error that is not an AirgapError escaped. */
  bug: 70,
  interrupted: 130,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

export class AirgapError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  /** Extra lines (one per problem) shown under the message. */
  readonly details: readonly string[];

  constructor(
    message: string,
    options: {
      hint?: string;
      code?: ExitCodeName;
      details?: readonly string[];
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AirgapError';
    this.hint = options.hint;
    this.exitCode = ExitCode[options.code ?? 'failure'];
    this.details = options.details ?? [];
  }
}

export function isAirgapError(error: unknown): error is AirgapError {
  return error instanceof AirgapError;
}

/**
 * An invariant of airgap's own broke: a bug, whatever the input. Exit 70 like any error that is
 * not an AirgapError, with a hint to report it instead of one to change the input.
 */
export function invariantBroken(what: string, cause?: unknown): AirgapError {
  return new AirgapError(`internal: ${what}`, {
    hint: 'this is a bug in airgap: run again with --debug for the stack trace, and report it',
    code: 'bug',
    cause,
  });
}

/**
 * Conditions of the machine, not bugs: a full disk, a path airgap may not write, a read-only
 * file system, a tool that is not installed. Node reports them as errors with an errno code;
 * each becomes one line naming the path and what to do, with its own exit code.
 */
export function fromSystemError(error: unknown): AirgapError | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string') return undefined;
  const path = e.path ?? (e as { dest?: string }).dest ?? 'a path airgap writes to';
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new AirgapError(`no space left on the device holding ${path}`, {
        hint: 'free space there (see df -h), or write elsewhere with --out DIR',
        code: 'noSpace',
        cause: error,
      });
    case 'EACCES':
    case 'EPERM':
      return new AirgapError(`permission denied: cannot ${e.syscall ?? 'use'} ${path}`, {
        hint: 'check the owner and mode of that path (ls -ld), or run where you can write',
        code: 'permission',
        cause: error,
      });
    case 'EROFS':
      return new AirgapError(`${path} is on a read-only file system`, {
        hint: 'write elsewhere with --out DIR, or remount the file system read-write',
        code: 'readOnly',
        cause: error,
      });
    case 'ENOENT':
      if (e.syscall?.startsWith('spawn')) return missingTool(path, error);
      return undefined;
    default:
      return undefined;
  }
}

const TOOL_HINTS: Record<string, string> = {
  git: 'install git: airgap reads commits with it (apt-get install git)',
  'ssh-keygen': 'install OpenSSH (apt-get install openssh-client) to sign and verify bundles',
};

/** A program airgap runs is not installed or not on PATH. */
export function missingTool(tool: string, cause?: unknown): AirgapError {
  return new AirgapError(`${tool} is not installed or not on PATH`, {
    hint: TOOL_HINTS[tool] ?? `install ${tool}, or put it on PATH`,
    code: 'missingTool',
    cause,
  });
}

/** Names `path` on a system error that carries none (a write stream's ENOSPC, for one). */
export function withPath(error: unknown, path: string): unknown {
  const e = error as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string' && e.path === undefined)
    e.path = path;
  return error;
}
