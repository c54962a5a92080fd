import { describe, expect, it } from 'vitest';
import { oneAtATime } from '../../src/util/one-at-a-time.js';

describe('oneAtATime', () => {
  it('finishes calls in call order even when a later one would be quicker', async () => {
    // The upload state's writes: the first of two takes longer; started together, it would
    // land last and leave the older document.
    const delays = [30, 5, 0];
    const finished: number[] = [];
    let call = 0;
    const write = oneAtATime(async () => {
      const n = call++;
      await new Promise((resolve) => setTimeout(resolve, delays[n]));
      finished.push(n);
    });
    await Promise.all([write(), write(), write()]);
    expect(finished).toEqual([0, 1, 2]);
  });

  it('runs the next call after a failed one, and gives each caller its own result', async () => {
    let call = 0;
    const write = oneAtATime(async () => {
      if (call++ === 0) throw new Error('disk full');
    });
    const first = write();
    const second = write();
    await expect(first).rejects.toThrow('disk full');
    await expect(second).resolves.toBeUndefined();
    expect(call).toBe(2);
  });
});
