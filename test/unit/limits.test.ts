import { describe, expect, it } from 'vitest';
import {
  assertPlanWithinLimits,
  BUNDLE_LIMITS,
  bundleMeasures,
  limitFindings,
  unitsBeforePacking,
} from '../../src/bundle/limits.js';
import type { AirgapError } from '../../src/errors.js';
import {
  CLOUDSHELL_ARCHIVE_BYTES,
  CLOUDSHELL_HOME_BYTES,
  MAX_ARCHIVE_BYTES,
} from '../../src/model/capacity.js';
import type { BundleRecord } from '../../src/model/record.js';

describe('limitFindings', () => {
  const archive = (value: number) => ({
    what: 'the archive',
    value,
    limit: BUNDLE_LIMITS.archiveBytes,
    unit: 'bytes' as const,
    fix: 'split it',
  });

  it('passes below the soft limit, warns above it, refuses above the hard one', () => {
    expect(limitFindings([archive(400_000_000)])).toEqual({ warnings: [], problems: [] });
    expect(limitFindings([archive(1_100_000_000)]).warnings).toEqual([
      'the archive is 1049.0 MiB (1,100,000,000 bytes), over the 960.0 MiB (1,006,632,960 bytes) that works comfortably (limit 4096.0 MiB (4,294,967,296 bytes))',
    ]);
    expect(limitFindings([archive(5_000_000_000)]).problems).toEqual([
      'the archive is 4768.4 MiB (5,000,000,000 bytes), over the limit of 4096.0 MiB (4,294,967,296 bytes): split it',
    ]);
  });
});

describe('the archive against CloudShell (one capacity model)', () => {
  const withArchive = (size: number) =>
    ({
      units: [],
      images: [],
      description: '',
      spec: {},
      archive: { file: 'x.tar.gz', size },
    }) as unknown as BundleRecord;
  const findings = (size: number) => limitFindings(bundleMeasures(withArchive(size), 0));

  it('is quiet up to what the home holds beside its reserve', () => {
    expect(CLOUDSHELL_ARCHIVE_BYTES).toBeLessThan(CLOUDSHELL_HOME_BYTES);
    expect(findings(CLOUDSHELL_ARCHIVE_BYTES)).toEqual({ warnings: [], problems: [] });
  });

  it('warns one byte above it, naming the way around CloudShell', () => {
    const { warnings, problems } = findings(CLOUDSHELL_ARCHIVE_BYTES + 1);
    expect(problems).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^the archive is 960\.0 MiB \(1,006,632,961 bytes\), over the 960\.0 MiB .* that fits CloudShell's 1 GiB home .*: upload it with `airgap upload` from a machine that reaches S3/,
    );
  });

  it('refuses above what one bastion paste downloads and extracts', () => {
    const { problems } = findings(MAX_ARCHIVE_BYTES + 1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/over the limit of 4096\.0 MiB .*split the bundle/);
  });
});

describe('unitsBeforePacking (checked before any byte is packed)', () => {
  const files = (n: number, path = (i: number) => `k8s/f${i}.yaml`) =>
    Array.from({ length: n }, (_, i) => ({ path: path(i), size: 10 }));

  it('counts the spec steps exactly, and one apply at least in the default plan', () => {
    const steps = [{ name: 'a', run: 'true' }];
    expect(unitsBeforePacking({ steps, verify: ['x'] }, files(100_000))).toBe(3 + 1 + 1 + 1);
    // The planner applies folders whole: 10 or 100,000 files can be one apply.
    expect(unitsBeforePacking({ verify: [] }, files(10))).toBe(3 + 1 + 1);
    expect(unitsBeforePacking({ verify: [] }, files(100_000))).toBe(3 + 1 + 1);
    expect(unitsBeforePacking({ verify: [], ecr: { check: true } as never }, files(2))).toBe(6);
    const none = [
      { path: 'empty.yaml', size: 0 },
      { path: 'notes.txt', size: 5 },
    ];
    expect(unitsBeforePacking({ verify: [] }, none)).toBe(3 + 1);
  });

  it('refuses 100,000 spec steps before packing, naming the count and the limit', () => {
    const steps = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `s${i}`, run: 'true' }));
    const error = (() => {
      try {
        assertPlanWithinLimits({ steps: steps(100_000), verify: [] }, files(3));
      } catch (e) {
        return e as AirgapError;
      }
    })();
    expect(error?.message).toContain('nothing was packed');
    expect(error?.details[0]).toBe(
      'the bundle is 100,004 units, over the limit of 99,999 units: the marker protocol numbers units up to 99,999; split the bundle into several specs',
    );
    expect(() =>
      assertPlanWithinLimits({ steps: steps(99_000), verify: [] }, files(3)),
    ).not.toThrow();
    expect(() => assertPlanWithinLimits({ verify: [] }, files(100_000))).not.toThrow();
  });
});
