import { afterEach, describe, expect, it, vi } from 'vitest';
import { planSweep } from '../../../src/search/index.js';
import { example } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

describe('planSweep', () => {
  it('planSweep of examples/mo.yaml shows the whole random first generation, the budget and the objectives', () => {
    const { plan, trials } = planSweep(example('mo'));
    expect(plan.adaptive).toBe(true);
    expect([plan.spaceSize, plan.budget, trials.length]).toEqual([128, 38, 10]);
    expect(trials.every((t) => t.generation === 0)).toBe(true);
    expect(new Set(trials.map((t) => t.configHash)).size).toBe(10);
    expect(plan.sampler).toBe(
      'nsga2: 38 of the 128 trials (30 %), population 10, seed 1; maximize accuracy, maximize speedup@kang-cx, minimize modelBytes; subject to accuracyDrop <= 0.02',
    );
    expect(plan.pruner).toBeNull();
  });

  it('planSweep of examples/asha.yaml lists the grid order and the rungs', () => {
    const { lines } = planSweep(example('asha'), 3);
    expect(lines).toMatchInlineSnapshot(`
      [
        "strategy  grid: all 27 trials in expansion order",
        "pruner    asha on valAccuracy (maximize): rungs at epochs 1, 3 of 9; a trial goes on past a rung only if its value is in the top 1/3 of those recorded there so far",
        "first trials:",
        "  #0  lenet5/fashion-mnist mag r=0.5 W8A8 s0",
        "  #1  lenet5/fashion-mnist mag r=0.5 W8A8 lr:B s0",
        "  #2  lenet5/fashion-mnist mag r=0.5 W8A8 lr:constant s0",
        "  … and 24 more (27 of 27 in all)",
      ]
    `);
  });
});
