import { describe, expect, it } from 'vitest';
import { BUNDLE_LIMITS, limitFindings } from '../../src/bundle/limits.js';

describe('limitFindings', () => {
  const archive = (value: number) => ({
    what: 'the archive',
    value,
    limit: BUNDLE_LIMITS.archiveBytes,
    unit: 'bytes' as const,
    fix: "CloudShell's 1 GB home cannot hold it",
  });

  it('passes below the soft limit, warns above it, refuses above the hard one', () => {
    expect(limitFindings([archive(400_000_000)])).toEqual({ warnings: [], problems: [] });
    expect(limitFindings([archive(600_000_000)]).warnings).toEqual([
      'the archive is 572.2 MiB (600,000,000 bytes), over the 476.8 MiB (500,000,000 bytes) that works comfortably (limit 953.7 MiB (1,000,000,000 bytes))',
    ]);
    expect(limitFindings([archive(1_200_000_000)]).problems).toEqual([
      "the archive is 1144.4 MiB (1,200,000,000 bytes), over the limit of 953.7 MiB (1,000,000,000 bytes): CloudShell's 1 GB home cannot hold it",
    ]);
  });
});
