import { describe, expect, it } from 'vitest';
import { DOCUMENTS, type DocumentName } from '../../src/docs/documents.js';
import {
  beginLine,
  endLine,
  findManagedBlock,
  HASH_LENGTH,
  hashOffset,
  upsertManagedBlock,
} from '../../src/docs/managed-block.js';
import {
  type ManagedDocument,
  readRows,
  type TableDocument,
  upsertRows,
} from '../../src/docs/managed-document.js';

/**
 * One sample per document: a row of each table document (checked through its codec), `init`
 * for the others. A new entry in DOCUMENTS does not compile here until it has its sample.
 */
const samples: Record<DocumentName, { row: object } | 'not a table'> = {
  pendingChanges: {
    row: {
      bundleId: 'dev-topics-1234567',
      environment: 'dev',
      status: 'failed',
      commit: 'abcdef012345',
      date: '2026-02-13',
      files: 3,
      images: 2,
      imagesNotInEcr: 1,
      link: '[runbook](docs/RUNBOOKS/x.md)',
      rollbackFrom: 'dev-topics-7654321',
      supersededBy: 'dev-topics-1111111',
      runAfterDiscard: true,
    },
  },
  ecrManifest: {
    row: {
      repository: 'team/app',
      tag: 'v1.2',
      digest: 'sha256:abc',
      environment: 'dev',
      date: '2026-02-13',
      source: 'CloudShell push',
    },
  },
  tracker: {
    row: {
      bundleId: 'dev-topics-1234567',
      environment: 'dev',
      status: 'deployed',
      date: '2026-02-13',
      runbook: 'docs/RUNBOOKS/2026-02-13-dev-topics-1234567.md',
    },
  },
  currentState: 'not a table',
  envDetails: 'not a table',
  runbook: 'not a table',
};

const entries = Object.entries(DOCUMENTS) as Array<[DocumentName, ManagedDocument]>;
const human = '# Written by a person\r\n\r\nTheir text, | pipes | and all, no final newline';
const context = { environments: ['dev', 'prod'] };

describe('the registry of managed documents', () => {
  it('names each file and each block once', () => {
    const keys = entries.map(([, doc]) => `${doc.file}\u0000${doc.block}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(entries.map(([, doc]) => doc.file)).size).toBe(entries.length);
  });

  for (const [name, doc] of entries) {
    const sample = samples[name];
    if (sample !== 'not a table') {
      it(`${name}: a row reads back as it was written, and is updated in place`, () => {
        const table = doc as TableDocument<object>;
        const once = upsertRows(table, human, [sample.row]);
        expect(once.text.startsWith(human)).toBe(true);
        expect(readRows(table, once.text)).toEqual([sample.row]);
        const twice = upsertRows(table, once.text, [sample.row]);
        expect(twice.changed).toBe(false);
      });
    }
    const init = doc.init;
    if (!init) continue;
    it(`${name}: init adds the empty block once and keeps what a person wrote`, () => {
      const fresh = init(undefined, context);
      expect(fresh).not.toBe('');
      expect(findManagedBlock(fresh, blockOf(doc))).toBeDefined();
      expect(init(fresh, context)).toBe(fresh);
      const kept = init(human, context);
      expect(kept.startsWith(human)).toBe(true);
      expect(findManagedBlock(kept, blockOf(doc))).toBeDefined();
      expect(init(kept, context)).toBe(kept);
    });
  }
});

/** The block init adds: per-environment documents get one per environment. */
function blockOf(doc: ManagedDocument): string {
  return doc === DOCUMENTS.envDetails ? `${doc.block}-${context.environments[0]}` : doc.block;
}

describe('the begin and end lines', () => {
  it('are what the whole-text writer writes, hash at hashOffset', () => {
    const text = upsertManagedBlock('', 'runbook', ['a']);
    const [first] = text.split('\n');
    const hash = first?.slice(hashOffset('runbook'), hashOffset('runbook') + HASH_LENGTH) ?? '';
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    expect(text).toBe(`${beginLine('runbook', hash)}\na\n${endLine('runbook')}\n`);
  });
});
