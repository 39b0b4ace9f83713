import { describe, expect, it } from 'vitest';
import { expandSpec, parseSpec, validateSpec } from '../../../src/spec/index.js';
import { example } from './helpers.js';

const y = (...lines: string[]): string => lines.join('\n') + '\n';
const issues = (...lines: string[]): string[] => {
  const r = validateSpec(y('name: s', ...lines));
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
};
const RETRAINED = ['pruning: {methods: [magnitude]}', 'retraining: {epochs: 9}'];

describe('spec strategy block', () => {
  it('strategy defaults to grid, omitted, empty or as a bare name', () => {
    expect(parseSpec(y('name: s')).strategy).toEqual({ type: 'grid' });
    expect(parseSpec(y('name: s', 'strategy:')).strategy).toEqual({ type: 'grid' });
    expect(parseSpec(y('name: s', 'strategy: grid')).strategy).toEqual({ type: 'grid' });
  });

  it('strategy.pruner fills the pruner defaults; direction follows the metric', () => {
    expect(parseSpec(y('name: s', ...RETRAINED, 'strategy: {type: grid, pruner: asha}')).strategy)
      .toMatchInlineSnapshot(`
      {
        "pruner": {
          "bootstrapCount": 0,
          "direction": "maximize",
          "metric": "valAccuracy",
          "minEarlyStoppingRate": 0,
          "minResource": 1,
          "reductionFactor": 3,
          "type": "asha",
        },
        "type": "grid",
      }
    `);
    const median = parseSpec(
      y('name: s', ...RETRAINED, 'strategy: {type: random, n: 4, pruner: {type: median, metric: valLoss}}'),
    );
    expect(median.strategy).toEqual({
      type: 'random',
      n: 4,
      seed: 0,
      pruner: {
        type: 'median',
        metric: 'valLoss',
        direction: 'minimize',
        startupTrials: 5,
        warmupSteps: 0,
        intervalSteps: 1,
        minTrials: 1,
      },
    });
  });

  it('strategy nsga2 parses objectives and constraints into keys with directions', () => {
    const s = example('mo').strategy;
    expect(s.type === 'nsga2' && [s.objectives, s.constraints]).toMatchInlineSnapshot(`
      [
        [
          {
            "accelerator": null,
            "direction": "maximize",
            "key": "accuracy",
            "metric": "accuracy",
          },
          {
            "accelerator": "kang-cx",
            "direction": "maximize",
            "key": "speedup@kang-cx",
            "metric": "speedup",
          },
          {
            "accelerator": null,
            "direction": "minimize",
            "key": "modelBytes",
            "metric": "modelBytes",
          },
        ],
        [
          {
            "accelerator": null,
            "bound": 0.02,
            "key": "accuracyDrop",
            "metric": "accuracyDrop",
            "op": "<=",
          },
        ],
      ]
    `);
  });

  it('strategy reports unknown types, misplaced options and missing ones with their paths', () => {
    expect(issues('strategy: nsga')).toEqual([
      'strategy.type: "nsga" is not one of grid, random, nsga2, gp (did you mean "nsga2"?)',
    ]);
    expect(issues('strategy: [grid]')).toEqual([
      'strategy: expected a strategy name (grid, random, nsga2, gp) or a mapping with a type, got a list',
    ]);
    expect(issues('strategy: {n: 3}')).toEqual(['strategy.type: required (one of grid, random, nsga2, gp)']);
    expect(issues('strategy: {type: grid, populationSize: 3, seeds: 2}')).toEqual([
      'strategy.populationSize: only used by the nsga2 strategy',
      'strategy.seeds: unknown key (allowed: type, pruner)',
    ]);
    expect(issues('strategy: {type: nsga2}')).toEqual([
      'strategy.n: required by the nsga2 strategy (number of trials to run)',
      'strategy.objectives: required by the nsga2 strategy (e.g. [accuracy, speedup@kang-cx, modelBytes])',
    ]);
  });

  it('strategy nsga2 reports bad objectives, constraints, population sizes and unknown accelerators', () => {
    expect(
      issues(
        'strategy: {type: nsga2, n: 20, objectives: [accuracy, speedup, modelBytes@kang-cx, latency], constraints: ["accuracyDrop < 0.01"]}',
      ),
    ).toEqual([
      'strategy.objectives[1]: speedup is measured per accelerator: name one, e.g. "speedup@kang-cx"',
      'strategy.objectives[2]: modelBytes does not depend on the accelerator: drop "@kang-cx"',
      'strategy.objectives[3]: "latency" is not one of accuracy, accuracyDrop, modelBytes, compressionRatio, speedup',
      'strategy.constraints[0]: "accuracyDrop < 0.01" is not a constraint like "accuracyDrop <= 0.01"',
    ]);
    expect(issues('strategy: {type: nsga2, n: 20, objectives: [accuracy, accuracy], populationSize: 20}')).toEqual([
      'strategy.objectives[1]: "accuracy" is listed twice (also at [0])',
      'strategy.populationSize: 20 is not less than n = 20: every trial would be a random pick of the first generation',
    ]);
    expect(
      issues(
        'accelerators: [kang-cx]',
        'strategy: {type: nsga2, n: 30, objectives: [accuracy, speedup@zhu-array], constraints: ["speedup@eyeriss >= 2"]}',
      ),
    ).toEqual([
      'strategy.objectives[1]: accelerator "zhu-array" is not in accelerators (kang-cx)',
      'strategy.constraints[0]: accelerator "eyeriss" is not in accelerators (kang-cx)',
    ]);
  });

  it('strategy.pruner reports bad options, and pruners that could never stop a trial', () => {
    expect(
      issues(...RETRAINED, 'strategy: {type: grid, pruner: {type: asha, reductionFactor: 1, metrc: loss}}'),
    ).toEqual([
      'strategy.pruner.reductionFactor: 1 is not in [2, 100]',
      'strategy.pruner.metrc: unknown key (did you mean "metric"?)',
    ]);
    expect(issues(...RETRAINED, 'strategy: {type: grid, pruner: {type: median, minResource: 2}}')).toEqual([
      'strategy.pruner.minResource: only used by the asha pruner',
    ]);
    expect(issues('strategy: {type: grid, pruner: asha}')).toEqual([
      'strategy.pruner: nothing is retrained (pruning.methods is [none]), so nothing can stop early',
    ]);
    expect(
      issues(
        'pruning: {methods: [magnitude]}',
        'retraining: {epochs: 3}',
        'strategy: {type: grid, pruner: {type: asha, minResource: 3}}',
      ),
    ).toEqual([
      'strategy.pruner: asha has no checkpoint before the last retraining epoch (retraining.epochs = 3): no trial could stop early',
    ]);
  });

  it('expandSpec lists every valid trial for nsga2 (the sampler picks among them) and samples for random', () => {
    expect(expandSpec(example('mo')).trials.length).toBe(128);
    expect(
      expandSpec(
        parseSpec(
          y('name: s', 'pruning: {methods: [magnitude], ratios: [0.1, 0.2, 0.3]}', 'strategy: {type: random, n: 2}'),
        ),
      ).trials.length,
    ).toBe(2);
  });
});
