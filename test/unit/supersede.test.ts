import { describe, expect, it } from 'vitest';
import {
  currentDeployments,
  findSuperseded,
  groupMissingImages,
  specNameOf,
} from '../../src/commands/status/supersede.js';
import type { PendingEntry } from '../../src/docs/pending-changes.js';
import type { BundleStatus } from '../../src/model/lifecycle.js';

const row = (bundleId: string, status: BundleStatus, environment = 'dev'): PendingEntry => ({
  bundleId,
  environment,
  status,
  commit: '',
  date: '2026-02-13',
  files: 1,
  images: 0,
  link: '',
});
const specOf = (id: string) => specNameOf(id);

describe('findSuperseded', () => {
  it('lets a deployment supersede the failed, partial and prepared rows of its spec above it', () => {
    const rows = [
      row('topics-1111111', 'failed'),
      row('topics-2222222', 'partial'),
      row('topics-3333333', 'prepared'),
      row('other-4444444', 'failed'),
      row('topics-5555555', 'failed', 'uat'),
      row('topics-6666666', 'deployed'),
      row('topics-7777777', 'prepared'),
    ];
    expect(findSuperseded(rows, specOf)).toEqual([
      { bundleId: 'topics-1111111', status: 'failed', by: 'topics-6666666' },
      { bundleId: 'topics-2222222', status: 'partial', by: 'topics-6666666' },
      { bundleId: 'topics-3333333', status: 'prepared', by: 'topics-6666666' },
    ]);
  });

  it('names the latest deployment, and never supersedes deployed or discarded rows', () => {
    const rows = [
      row('topics-1111111', 'failed'),
      row('topics-2222222', 'deployed'),
      row('topics-3333333', 'discarded'),
      row('topics-4444444', 'deployed'),
    ];
    expect(findSuperseded(rows, specOf)).toEqual([
      { bundleId: 'topics-1111111', status: 'failed', by: 'topics-4444444' },
    ]);
    expect(currentDeployments(rows, specOf).map((e) => e.bundleId)).toEqual(['topics-4444444']);
  });

  it('uses the record name when it is known', () => {
    expect(specNameOf('dev-topics-abcdef0')).toBe('dev-topics');
    expect(specNameOf('odd-id', 'dev-topics')).toBe('dev-topics');
  });
});

describe('groupMissingImages', () => {
  it('reports each image once with every bundle that needs it', () => {
    expect(
      groupMissingImages([
        { bundleId: 'a-1111111', image: 'kcat:1' },
        { bundleId: 'b-2222222', image: 'kcat:1' },
        { bundleId: 'b-2222222', image: 'kafka:3' },
        { bundleId: 'b-2222222', image: 'kcat:1' },
      ]),
    ).toEqual([
      { image: 'kcat:1', bundleIds: ['a-1111111', 'b-2222222'] },
      { image: 'kafka:3', bundleIds: ['b-2222222'] },
    ]);
  });
});
