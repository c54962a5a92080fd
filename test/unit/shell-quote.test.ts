import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/util/shell-quote.js';

describe('shellQuote', () => {
  it.each([
    ["a b'c$(touch pwned)`x`.yaml"],
    ['$HOME'],
    ["'"],
    [''],
    ['line\nbreak'],
    ['é ünïcode'],
    ['--flag=value'],
    ['!event'],
  ])('round-trips %j through real bash', (value) => {
    const result = spawnSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`], {
      encoding: 'utf8',
    });
    expect(result.stdout).toBe(value);
  });
});
