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
  /** `ingest --check`: the bundle's outcome is failed. */
  outcomeFailed: 23,
  /** `ingest --check`: partial, or no bastion block yet. */
  outcomeIncomplete: 24,
  bug: 70,
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
