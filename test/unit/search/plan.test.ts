import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { launchCommand } from '../../../src/cli/commands/sweep.js';
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

describe('hwsweep launch --dry-run', () => {
  const file = (name: string) => fileURLToPath(new URL(`../../../examples/${name}.yaml`, import.meta.url));

  it('launch --dry-run prints the plan of an nsga2 spec and starts nothing', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    await launchCommand().parseAsync([file('mo'), '--dry-run'], { from: 'user' });
    expect(out[0]).toMatch(/^strategy {2}nsga2: 38 of the 128 trials/);
    expect(out[0]).toContain('#9  lenet5/fashion-mnist');
    expect(out[1]).toBe('not started: the sweep workflow does not run this strategy yet (issue 11, phase 2)');
  });

  it('launch --dry-run --json prints the search plan with labelled trials', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    await launchCommand().parseAsync([file('asha'), '--dry-run', '--json'], { from: 'user' });
    const j = JSON.parse(out.join('')) as {
      started: boolean;
      search: { budget: number; first: { number: number; label: string }[] };
    };
    expect(j.started).toBe(false);
    expect(j.search.budget).toBe(27);
    expect(j.search.first[1]).toMatchObject({ number: 1, label: 'lenet5/fashion-mnist mag r=0.5 W8A8 lr:B s0' });
  });

  it('launch without --dry-run refuses a strategy the workflow does not run yet, before starting services', async () => {
    await expect(
      launchCommand().parseAsync([file('asha')], { from: 'user' }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: strategy grid with pruner asha is validated and planned, but the sweep workflow does not run it yet]`,
    );
  });
});
