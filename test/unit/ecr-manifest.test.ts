import { describe, expect, it } from 'vitest';
import { missingImages, readEcrImages, upsertEcrImages } from '../../src/docs/ecr-manifest.js';

describe('ECR manifest', () => {
  const human =
    '| Repository | Tag | Environment |\n|---|---|---|\n| strimzi/kafka | 0.45.0 | dev |\n';
  it('reads human tables and finds what is missing for the environment', () => {
    expect(readEcrImages(human)).toHaveLength(1);
    const images = [
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/strimzi/kafka:0.45.0',
      '111122223333.dkr.ecr.us-east-1.amazonaws.com/edenhill/kcat:1.7.1',
    ];
    expect(missingImages(images, human, 'dev')).toEqual([images[1]]);
    expect(missingImages(images, human, 'uat')).toEqual(images);
  });
  it('updates rows in place by repository, tag and environment', () => {
    const row = {
      repository: 'edenhill/kcat',
      tag: '1.7.1',
      digest: `sha256:${'a'.repeat(64)}`,
      environment: 'dev',
      date: '2026-02-13',
      source: 'CloudShell push',
    };
    const once = upsertEcrImages(human, [row]).text;
    const twice = upsertEcrImages(once, [{ ...row, digest: `sha256:${'b'.repeat(64)}` }]).text;
    expect(twice.startsWith(human)).toBe(true);
    expect(
      readEcrImages(twice)
        .filter((r) => r.repository === 'edenhill/kcat')
        .map((r) => r.digest),
    ).toEqual([`sha256:${'b'.repeat(64)}`]);
  });
});
