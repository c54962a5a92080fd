import { describe, expect, it } from 'vitest';
import { planUnits } from '../../src/bundle/plan.js';
import { settleBlockNumbers } from '../../src/paste/bastion.js';

// Transfer (units 1-3), then one block per step: units 4 and 5 stop later steps.
const units = planUnits(
  [
    { name: 'Apply a', run: 'kubectl apply -f k8s/a.yaml' },
    { name: 'Apply b', run: 'kubectl apply -f k8s/b.yaml' },
  ],
  [],
);
const groupUnits = [units.slice(0, 3), [units[3]!], [units[4]!]];

/** A helper program whose block count depends on the numbers it holds, as gzip's size does. */
const helpers =
  (count: (first: number | undefined) => number) => (blocks: ReadonlyMap<number, number>) => {
    const first = blocks.get(4);
    return { first, codes: Array.from({ length: count(first) }, () => 'block') };
  };

describe('the block numbers helpers.sh names for a skipped step', () => {
  it('assume the helper-block count the program then has', () => {
    // Four helper blocks whatever the numbers: the guess of 3 fails, the second try holds.
    const plan = settleBlockNumbers(
      groupUnits,
      helpers(() => 4),
    );
    expect(plan.codes).toHaveLength(4);
    expect(plan.first).toBe(4 + 1 + 1);
  });

  it('are left out when no count holds, never wrong', () => {
    // Numbers for 3 helper blocks make 4, numbers for 4 make 3: no count ever holds.
    const plan = settleBlockNumbers(
      groupUnits,
      helpers((first) => (first === undefined ? 3 : first === 3 + 2 ? 4 : 3)),
    );
    // Without numbers the skip message names the unit (helper-units.ts), which is never wrong.
    expect(plan.first).toBeUndefined();
  });
});
