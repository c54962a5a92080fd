import { expect } from 'vitest';
import { AirgapError } from '../../src/errors.js';

/** Awaits a promise that must fail with the user-facing error type, and returns the error. */
export async function expectAirgapError(promise: Promise<unknown>): Promise<AirgapError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AirgapError);
  return error as AirgapError;
}

/**
 * CLI output with the lines it wrapped at 80 columns joined back (a continuation is indented),
 * for checking a whole sentence whatever the width of the paths inside it.
 */
export function unwrapped(text: string): string {
  return text.replace(/\n +/g, ' ');
}
