/**
 * Recall of the secrets engine on corpora nobody here wrote: the cases of public secret-detector
 * test suites (test/fixtures/secrets/public-corpora.tsv, built by build-public-corpora.py) and
 * the domain corpus. Shared by test/unit/secrets-public-corpora.test.ts (the thresholds) and
 * `npm run bench` / `npm run secrets:corpora` (the report), so both measure the same thing.
 * Each case is masked alone: a value learnt on one line would otherwise mask the next case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskSecrets } from '../../src/secrets/index.js';

export interface CorpusCase {
  corpus: string;
  source: string;
  family: string;
  /** A prefix or fixed structure names the issuer: it must be found without a key beside it. */
  selfIdentifying: boolean;
  /** `allow-listed`: an exact published example a suite allow-lists (a secret's very shape). */
  kind: 'secret' | 'near-miss' | 'allow-listed';
  /** The line as the suite wrote it; `{S}` marks the secret. */
  line: string;
  secret: string;
}

export function publicCases(root: string): CorpusCase[] {
  const path = join(root, 'test/fixtures/secrets/public-corpora.tsv');
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [corpus = '', source = '', family = '', self = '', kind = '', line = '', secret = ''] =
        l.split('\t');
      return {
        corpus,
        source,
        family,
        selfIdentifying: self === 'y',
        kind: kind === 'secret' || kind === 'allow-listed' ? kind : 'near-miss',
        line,
        secret,
      };
    });
}

/** Surrounding text with no key that names a secret: logs, tables, YAML, JSON, env dumps. */
export const FREE_TEXT = [
  '2026-12-06T07:00:01Z INFO upload: using {S} for this run',
  '| prod | {S} | active |',
  '  - {S}',
  '["{S}"]',
  '{S}',
  'UPSTREAM_VALUE={S}',
  'rotated ({S}) at 07:00',
];
/** The same values written as assignments to a key that says what they are. */
export const ASSIGNMENTS = ['X_TOKEN={S}', '"api_key": "{S}"', '  client_secret: {S}'];

/** Whether masking `line` alone leaves none of `secret` in it. */
export function masks(line: string, secret: string): boolean {
  return !maskSecrets(line).text.includes(secret);
}

/** Whether masking changes anything in `line` (for near-misses and kept values). */
export function touches(line: string): boolean {
  return maskSecrets(line).text !== line;
}

export interface Tally {
  masked: number;
  total: number;
  /** The cases that count against the engine: secrets left, or near-misses masked. */
  wrong: string[];
}

const tally = (): Tally => ({ masked: 0, total: 0, wrong: [] });

function count(t: Tally, masked: boolean, what: string, maskingIsWrong = false): void {
  t.total++;
  if (masked) t.masked++;
  if (masked === maskingIsWrong) t.wrong.push(what);
}

export interface CorpusReport {
  /** The suites' own lines, by corpus. */
  suite: Map<string, Tally>;
  /** Self-identifying values in FREE_TEXT, by corpus. */
  freeText: Map<string, Tally>;
  /** Every value in ASSIGNMENTS, by corpus. */
  assignments: Map<string, Tally>;
  /** The suites' own lines, by corpus/family. */
  families: Map<string, Tally>;
  /** Near-misses masked (masked = touched), by corpus. */
  nearMisses: Map<string, Tally>;
  /** Allow-listed examples masked, by corpus: reported, not held to the near-miss bound. */
  allowListed: Map<string, Tally>;
}

function add(map: Map<string, Tally>, key: string): Tally {
  const t = map.get(key) ?? tally();
  map.set(key, t);
  return t;
}

export function evaluate(cases: readonly CorpusCase[]): CorpusReport {
  const report: CorpusReport = {
    suite: new Map(),
    freeText: new Map(),
    assignments: new Map(),
    families: new Map(),
    nearMisses: new Map(),
    allowListed: new Map(),
  };
  for (const c of cases) {
    if (c.kind === 'allow-listed') {
      count(add(report.allowListed, c.corpus), touches(c.line), c.line, true);
      continue;
    }
    if (c.kind === 'near-miss') {
      count(add(report.nearMisses, c.corpus), touches(c.line), c.line, true);
      continue;
    }
    const what = `${c.family}: ${c.secret.slice(0, 40)}`;
    const suite = masks(c.line.replace('{S}', c.secret), c.secret);
    count(add(report.suite, c.corpus), suite, `${what} in ${c.line.slice(0, 40)}`);
    count(add(report.families, `${c.corpus}/${c.family}`), suite, what);
    for (const context of ASSIGNMENTS)
      count(
        add(report.assignments, c.corpus),
        masks(context.replace('{S}', c.secret), c.secret),
        `${what} in ${context}`,
      );
    if (c.selfIdentifying)
      for (const context of FREE_TEXT)
        count(
          add(report.freeText, c.corpus),
          masks(context.replace('{S}', c.secret), c.secret),
          `${what} in ${context}`,
        );
  }
  return report;
}

export function total(map: ReadonlyMap<string, Tally>): Tally {
  const all = tally();
  for (const t of map.values()) {
    all.masked += t.masked;
    all.total += t.total;
    all.wrong.push(...t.wrong);
  }
  return all;
}

export const percent = (t: Tally) =>
  `${t.total ? ((t.masked / t.total) * 100).toFixed(1) : '-'}% of ${t.total}`;

/**
 * Values the runbook needs and masking must keep, drawn at random (seeded) in their real
 * shapes, each in free text and in the assignment it usually comes in.
 */
export function keptValues(count = 40): Array<{ kind: string; line: string; value: string }> {
  let seed = 24;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const draw = (alphabet: string, n: number) =>
    Array.from({ length: n }, () => alphabet[next() % alphabet.length]).join('');
  const hex = (n: number) => draw('0123456789abcdef', n);
  const digits = (n: number) => draw('0123456789', n);
  const out: Array<{ kind: string; line: string; value: string }> = [];
  for (let i = 0; i < count; i++) {
    const account = digits(12);
    const uid = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
    const values: Array<[string, string, string]> = [
      ['digest', `sha256:${hex(64)}`, 'digest: {V}'],
      [
        'arn',
        `arn:aws:secretsmanager:eu-west-1:${account}:secret:kafka/app-${draw('abcdefghij', 6)}`,
        '"ARN": "{V}",',
      ],
      ['arn', `arn:aws:iam::${account}:role/airgap-ops`, 'role_arn = {V}'],
      [
        'ecr-uri',
        `${account}.dkr.ecr.eu-west-1.amazonaws.com/strimzi/kafka:0.45.0-kafka-3.9.0@sha256:${hex(64)}`,
        '  image: {V}',
      ],
      ['commit', hex(40), 'commit={V}'],
      ['uid', uid, '  uid: {V}'],
    ];
    for (const [kind, value, assignment] of values)
      for (const context of [...FREE_TEXT, assignment])
        out.push({ kind, line: context.replace('{S}', value).replace('{V}', value), value });
  }
  return out;
}
