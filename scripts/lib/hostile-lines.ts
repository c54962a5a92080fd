/**
 * Lines built to make a backtracking regex engine try every start position against a long run,
 * for every secret rule. Shared by the linearity test (test/unit/secrets-hostile.test.ts: does a
 * rule's cost grow with the line's length, not its square?) and `npm run bench`, which reports
 * the absolute bound (50 ms of CPU on a 100 KB line) on a quiet machine, where a timing
 * means something.
 */
import { findSecrets, rules } from '../../src/secrets/index.js';

type Rule = (typeof rules)[number];

export const HOSTILE_LINE_BYTES = 100 * 1024;

export function fill(unit: string, size = HOSTILE_LINE_BYTES): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** A rule's keywords spelt out by the thousand (rules-issuers.ts) are alike: a few stand for all. */
function sample(keywords: readonly string[]): readonly string[] {
  if (keywords.length <= 16) return keywords;
  const step = Math.floor(keywords.length / 16);
  return keywords.filter((_, i) => i % step === 0);
}

export function hostileLines(keywords: readonly string[], size = HOSTILE_LINE_BYTES): string[] {
  const f = (unit: string) => fill(unit, size);
  const generic = ['a', 'A', '0', 'aA0+/', 'a-', '=', ' ', '"', '\\"', ':', 'a:', '$ '].map(f);
  const shaped = sample(keywords).flatMap((k) => [
    f(k),
    f(`${k}=`),
    f(`${k}: `),
    f(`${k}"`),
    f(`${k}-`),
    k + f('a'),
    k + f('A0'),
    `${k}=${f('a')}`,
    `${k}: "${f('a')}`,
  ]);
  return [...generic, ...shaped];
}

/** Lines for the stateful rules (PEM blocks, inline Secret data, prompts), by label. */
export function statefulHostileLines(size = HOSTILE_LINE_BYTES): Array<[string, string]> {
  const f = (unit: string) => fill(unit, size);
  return [
    ['PEM blocks', f('-----BEGIN RSA PRIVATE KEY-----')],
    ['PEM ends', `-----BEGIN PRIVATE KEY-----${f('-----END X-----')}`],
    ['PEM begins', f('-----BEGIN X-----')],
    ['inline Secret data', f('"data":{"a":"QUJD",')],
    ['inline Secret data, escaped', f('\\"stringData\\":{\\"a\\":\\"')],
    ['YAML data opener', f('data: ')],
    ['a prompt', `[${f('x')}] $ kubectl get secret -o jsonpath | base64 -d`],
  ];
}

/**
 * CPU milliseconds, best of three: the cost is about the work done, not about a machine shared
 * with other jobs (wall time there counts the waits for a core).
 */
export function cpuMs(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** The slowest of a rule's hostile lines of `size` bytes, in CPU ms (validation included). */
export function worstRuleMs(rule: Rule, size = HOSTILE_LINE_BYTES): number {
  const pattern = new RegExp(rule.pattern.source, `${rule.pattern.flags}d`);
  let worst = 0;
  for (const line of hostileLines(rule.keywords, size)) {
    const ms = cpuMs(() => {
      pattern.lastIndex = 0;
      for (const m of line.matchAll(pattern)) if (rule.validate) rule.validate(m[1] ?? m[0], m);
    });
    worst = Math.max(worst, ms);
  }
  return worst;
}

/** findSecrets on two copies of a stateful hostile line, in CPU ms. */
export function statefulMs(line: string): number {
  return cpuMs(() => findSecrets(`${line}\n${line}\n`));
}

/** For the bench: the slowest regex rule and the slowest stateful line at 100 KB. */
export function hostileFigures(): string[] {
  const byRule = rules.map((rule) => ({ id: rule.id, ms: worstRuleMs(rule) }));
  const slowest = byRule.reduce((a, b) => (b.ms > a.ms ? b : a));
  const stateful = statefulHostileLines().map(([label, line]) => ({ label, ms: statefulMs(line) }));
  const slowestStateful = stateful.reduce((a, b) => (b.ms > a.ms ? b : a));
  return [
    `hostile 100 KB lines: slowest of ${byRule.length} rules ${slowest.id} ${slowest.ms.toFixed(1)} ms CPU (bound 50 ms), ${byRule.filter((r) => r.ms > 50).length} over it`,
    `hostile 100 KB lines: stateful rules, slowest ${slowestStateful.label} ${slowestStateful.ms.toFixed(1)} ms CPU for two lines (bound 100 ms)`,
  ];
}
