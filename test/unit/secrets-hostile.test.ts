import { describe, expect, it } from 'vitest';
import { findSecrets, rules } from '../../src/secrets/index.js';

// The bound: no rule may take more than 50 ms on a 100 KB hostile line. These lines
// are built to make a backtracking engine try every start position against a long run.
const SIZE = 100 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

function hostileLines(keywords: readonly string[]): string[] {
  const generic = ['a', 'A', '0', 'aA0+/', 'a-', '=', ' ', '"', '\\"', ':', 'a:', '$ '].map(fill);
  const shaped = keywords.flatMap((k) => [
    fill(k),
    fill(`${k}=`),
    fill(`${k}: `),
    fill(`${k}"`),
    fill(`${k}-`),
    k + fill('a'),
    k + fill('A0'),
    `${k}=${fill('a')}`,
    `${k}: "${fill('a')}`,
  ]);
  return [...generic, ...shaped];
}

/**
 * CPU milliseconds, best of three: the bound is about the work a rule does, not about a machine
 * shared with other jobs (wall time there counts the waits for a core).
 */
function elapsed(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** A rule's keywords spelt out by the thousand (rules-issuers.ts) are alike: a few stand for all. */
function sample(keywords: readonly string[]): readonly string[] {
  if (keywords.length <= 16) return keywords;
  const step = Math.floor(keywords.length / 16);
  return keywords.filter((_, i) => i % step === 0);
}

describe('every rule is linear in the line', () => {
  it.each(rules.map((r) => [r.id, r] as const))(
    '%s: under 50 ms on 100 KB hostile lines',
    (_id, rule) => {
      const pattern = new RegExp(rule.pattern.source, `${rule.pattern.flags}d`);
      let worst = 0;
      for (const line of hostileLines(sample(rule.keywords))) {
        const ms = elapsed(() => {
          pattern.lastIndex = 0;
          for (const m of line.matchAll(pattern)) if (rule.validate) rule.validate(m[1] ?? m[0], m);
        });
        worst = Math.max(worst, ms);
      }
      if (process.env.SHOW_TIMES) process.stdout.write(`${_id} ${worst.toFixed(1)}\n`);
      expect(worst).toBeLessThan(50);
    },
  );

  it.each([
    ['PEM blocks', fill('-----BEGIN RSA PRIVATE KEY-----')],
    ['PEM ends', `-----BEGIN PRIVATE KEY-----${fill('-----END X-----')}`],
    ['PEM begins', fill('-----BEGIN X-----')],
    ['inline Secret data', fill('"data":{"a":"QUJD",')],
    ['inline Secret data, escaped', fill('\\"stringData\\":{\\"a\\":\\"')],
    ['YAML data opener', fill('data: ')],
    ['a prompt', `[${fill('x')}] $ kubectl get secret -o jsonpath | base64 -d`],
  ])('the stateful rules: under 50 ms on 100 KB of %s', (_label, line) => {
    expect(elapsed(() => findSecrets(`${line}\n${line}\n`))).toBeLessThan(50 * 2);
  });
});
