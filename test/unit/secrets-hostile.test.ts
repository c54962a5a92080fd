import { describe, expect, it } from 'vitest';
import {
  cpuMs,
  fill,
  statefulHostileLines,
  statefulMs,
  worstRuleMs,
} from '../../scripts/lib/hostile-lines.js';
import { rules } from '../../src/secrets/index.js';

// A rule must cost in proportion to the line, not to its square: a backtracking pattern that
// retries every start position against a long run is quadratic and turns one pasted 1 MB line
// into minutes of ingest. The check is the growth from a 25 KB to a 100 KB hostile line (4× the
// bytes: ~4× the CPU when linear, ~16× when quadratic), so it holds on a loaded machine; the
// issue's absolute bound (50 ms on 100 KB) is `npm run bench`'s (scripts/lib/hostile-lines.ts).
const SMALL = 25 * 1024;
const BIG = 4 * SMALL;

/** Linear within noise: at most twice the 4× of linear growth, plus 10 ms for timer noise. */
function linear(smallMs: number, bigMs: number): boolean {
  return bigMs < 8 * smallMs + 10;
}

/**
 * A ceiling ten times the 50 ms on 100 KB: linearity alone passes a rule that became
 * ten times slower on every byte, which the absolute bound caught. CPU time at load 14-17 put
 * the slowest rule at 78 ms: far below this, so it is no timed assertion.
 */
const CEILING_MS = 500;
const withinBounds = (smallMs: number, bigMs: number) =>
  linear(smallMs, bigMs) && bigMs < CEILING_MS;

describe('every rule is linear in the line', () => {
  it('the check tells a quadratic pattern from a linear one', () => {
    const quadratic = /a*b/g;
    const linearPattern = /ab/g;
    const run = (pattern: RegExp, size: number) => {
      const line = fill('a', size);
      return cpuMs(() => {
        pattern.lastIndex = 0;
        for (const _ of line.matchAll(pattern));
      });
    };
    expect(linear(run(quadratic, 6 * 1024), run(quadratic, 24 * 1024))).toBe(false);
    expect(linear(run(linearPattern, SMALL), run(linearPattern, BIG))).toBe(true);
    // Linear, but 600 ms on 100 KB: twelve times the bound.
    expect(linear(150, 600)).toBe(true);
    expect(withinBounds(150, 600)).toBe(false);
  });

  it.each(rules.map((r) => [r.id, r] as const))(
    '%s: 100 KB hostile lines cost at most ~4× 25 KB ones, under 500 ms',
    (_id, rule) => {
      const small = worstRuleMs(rule, SMALL);
      const big = worstRuleMs(rule, BIG);
      if (process.env.SHOW_TIMES)
        process.stdout.write(`${_id} ${small.toFixed(1)} ${big.toFixed(1)}\n`);
      expect(withinBounds(small, big), `${small.toFixed(1)} ms → ${big.toFixed(1)} ms`).toBe(true);
    },
  );

  const small = new Map(statefulHostileLines(SMALL));
  it.each(statefulHostileLines(BIG))(
    'the stateful rules: 100 KB of %s costs at most ~4× 25 KB',
    (label, line) => {
      const smallMs = statefulMs(small.get(label) ?? '');
      const bigMs = statefulMs(line);
      expect(
        withinBounds(smallMs, bigMs),
        `${smallMs.toFixed(1)} ms → ${bigMs.toFixed(1)} ms`,
      ).toBe(true);
    },
  );
});
