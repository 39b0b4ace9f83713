import { describe, expect, it } from 'vitest';
import { HwsweepError } from '../../../src/errors.js';
import { parseSpec, parseSpecObject, validateSpec } from '../../../src/spec/index.js';

/** Joins lines so that specs read naturally in the tests. */
const y = (...lines: string[]): string => lines.join('\n') + '\n';

describe('parseSpec defaults', () => {
  it('parseSpec fills every default when the spec has only a name', () => {
    expect(parseSpec('name: tiny')).toMatchInlineSnapshot(`
      {
        "accelerators": [
          "kang-cx",
          "zhu-array",
        ],
        "baseline": {
          "batchSize": 64,
          "epochs": 4,
          "lr": 0.05,
          "momentum": 0.9,
          "optimizer": "sgd",
          "schedule": {
            "gamma": 0.1,
            "milestones": [
              2,
              3,
            ],
            "type": "step",
          },
          "weightDecay": 0.0005,
        },
        "clustering": {
          "activationClusters": [
            0,
          ],
          "init": [
            "linear",
          ],
          "weightClusters": [
            0,
          ],
        },
        "data": {
          "path": null,
          "testSubset": null,
          "trainSubset": null,
        },
        "datasets": [
          "fashion-mnist",
        ],
        "description": "",
        "maxParallel": 4,
        "models": [
          {
            "name": "lenet5",
            "width": 1,
          },
        ],
        "name": "tiny",
        "pruning": {
          "fcPolicy": [
            "prune",
          ],
          "fcRatio": [
            0.75,
          ],
          "groupShape": [
            "vector",
          ],
          "groupSizes": [
            8,
          ],
          "methods": [
            "none",
          ],
          "narrowConvs": [
            "skip",
          ],
          "partial": "pad",
          "ratios": [
            0.5,
          ],
          "rowsKept": [
            1,
          ],
          "schedule": [
            "one-shot",
          ],
          "steps": 3,
        },
        "quantization": {
          "activationBits": [
            32,
          ],
          "calibrationSize": 500,
          "percentile": 99.99,
          "pow2": {
            "bits": [
              4,
            ],
            "epochsPerStep": 1,
            "signBased": [
              true,
            ],
            "steps": [
              0.5,
              0.75,
              0.875,
              1,
            ],
          },
          "rounding": [
            "nearest",
          ],
          "threshold": [
            "kl",
          ],
          "weightBits": [
            32,
          ],
          "weightFormat": [
            "fixed",
          ],
        },
        "retraining": {
          "batchSize": 64,
          "epochs": 1,
          "lr": 0.001,
          "lrRule": [
            "A",
          ],
          "momentum": 0.9,
          "optimizer": "sgd",
        },
        "retry": {
          "backoff": 2,
          "initialInterval": 1000,
          "maxAttempts": 3,
          "maximumInterval": 60000,
        },
        "seeds": [
          0,
        ],
        "strategy": {
          "type": "grid",
        },
      }
    `);
  });

  it('parseSpec accepts JSON text and gives the same spec as the equivalent YAML', () => {
    const fromJson = parseSpec('{"name": "j", "pruning": {"methods": ["magnitude"], "ratios": [0.5, 0.7]}}');
    const fromYaml = parseSpec(y('name: j', 'pruning:', '  methods: [magnitude]', '  ratios: [0.5, 0.7]'));
    expect(fromJson).toEqual(fromYaml);
  });

  it('parseSpec turns a single value of a list field into a one-element list', () => {
    const s = parseSpec(y('name: one', 'models: vgg', 'datasets: mnist', 'pruning: {methods: magnitude, ratios: 0.6}'));
    expect(s.models).toEqual([{ name: 'vgg', width: 1 }]);
    expect(s.datasets).toEqual(['mnist']);
    expect(s.pruning.methods).toEqual(['magnitude']);
    expect(s.pruning.ratios).toEqual([0.6]);
  });

  it('parseSpec reads models with a width and durations with units', () => {
    const s = parseSpec(
      y('name: w', 'models: [lenet5, {name: vgg, width: 0.5}]', 'retry: {initialInterval: 1.5s, maximumInterval: 2m}'),
    );
    expect(s.models).toEqual([
      { name: 'lenet5', width: 1 },
      { name: 'vgg', width: 0.5 },
    ]);
    expect(s.retry).toEqual({ maxAttempts: 3, initialInterval: 1500, backoff: 2, maximumInterval: 120_000 });
  });

  it('parseSpec gives step milestones at 50 % and 75 % of the baseline epochs by default', () => {
    expect(parseSpec(y('name: m', 'baseline: {epochs: 8}')).baseline.schedule).toEqual({
      type: 'step',
      milestones: [4, 6],
      gamma: 0.1,
    });
    expect(parseSpec(y('name: m', 'baseline: {epochs: 1}')).baseline.schedule).toEqual({
      type: 'step',
      milestones: [],
      gamma: 0.1,
    });
    expect(parseSpec(y('name: m', 'baseline: {schedule: cosine}')).baseline.schedule).toEqual({ type: 'cosine' });
  });

  it('parseSpec reads the random strategy with a default seed of 0', () => {
    expect(parseSpec(y('name: r', 'strategy: {type: random, n: 5}')).strategy).toEqual({
      type: 'random',
      n: 5,
      seed: 0,
    });
    expect(parseSpec(y('name: r', 'strategy: grid')).strategy).toEqual({ type: 'grid' });
  });

  it('parseSpec treats an empty section (all lines commented out) as omitted', () => {
    const s = parseSpec(y('name: e', 'pruning:', '  # methods: [magnitude]', 'retry:'));
    expect(s.pruning).toEqual(parseSpec('name: e').pruning);
    expect(s.retry.maxAttempts).toBe(3);
  });

  it('parseSpecObject validates an already parsed value', () => {
    expect(parseSpecObject({ name: 'obj', seeds: [1, 2] }).seeds).toEqual([1, 2]);
    expect(() => parseSpecObject({ name: 'obj', seeds: [-1] })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec: seeds[0]: -1 is not in [0, 4294967295]]`,
    );
  });
});

describe('parseSpec validation messages', () => {
  it('parseSpec reports an out-of-range ratio as "path: value is not in [0, 1)"', () => {
    const text = y('name: demo', 'pruning:', '  methods: [magnitude]', '  ratios: [0.5, 0.7, 1.3]');
    expect(() => parseSpec(text, { file: 'demo.yaml' })).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec demo.yaml: pruning.ratios[2]: 1.3 is not in [0, 1)]`,
    );
  });

  it('parseSpec output matches the example in docs/spec.md', () => {
    const text = y('name: bad', 'modles: [lenet5]', 'pruning:', '  methods: [magnitud]', '  ratios: [0.5, 0.7, 1.3]');
    expect(() => parseSpec(text, { file: 'examples/bad.yaml' })).toThrow(
      [
        'Invalid sweep spec examples/bad.yaml (3 issues):',
        '  modles: unknown key (did you mean "models"?)',
        '  pruning.methods[0]: "magnitud" is not one of none, magnitude, group-balanced, kernel-row, filter (did you mean "magnitude"?)',
        '  pruning.ratios[2]: 1.3 is not in [0, 1)',
      ].join('\n'),
    );
  });

  it('parseSpec reports a bad single value given for a list field at the field itself', () => {
    const text = y('name: s', 'pruning: {methods: magnitude, ratios: 1.3}', 'seeds: -2');
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec (2 issues):
        pruning.ratios: 1.3 is not in [0, 1)
        seeds: -2 is not in [0, 4294967295]]
    `);
  });

  it('parseSpec throws HwsweepError with code INVALID_SPEC; one issue is one line with no context to print', () => {
    try {
      parseSpec(y('name: demo', 'maxParallel: 0'), { file: 'demo.yaml' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(HwsweepError);
      const e = err as HwsweepError;
      expect(e.code).toBe('INVALID_SPEC');
      expect(e.message).toBe('Invalid sweep spec demo.yaml: maxParallel: 0 is not in [1, 1000]');
      expect(e.context).toEqual({});
      expect(e.hint).toBeUndefined();
      expect(e.retryable).toBe(false);
    }
  });

  it('parseSpec lists every field-level issue in document order', () => {
    const text = y(
      'name: demo',
      'modles: [lenet5]',
      'pruning:',
      '  methods: [magnitud, group_balanced]',
      '  ratios: [0.1, 0.5, 1.3, "x"]',
      '  groupSizes: 0',
      'quantization: {weightBits: [1, 8, 8], activationBits: [33]}',
      'maxParallel: 2.5',
      'strategy: {type: random}',
    );
    expect(() => parseSpec(text, { file: 'x.yaml' })).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec x.yaml (11 issues):
        modles: unknown key (did you mean "models"?)
        pruning.methods[0]: "magnitud" is not one of none, magnitude, group-balanced, kernel-row, filter (did you mean "magnitude"?)
        pruning.methods[1]: "group_balanced" is not one of none, magnitude, group-balanced, kernel-row, filter (did you mean "group-balanced"?)
        pruning.ratios[2]: 1.3 is not in [0, 1)
        pruning.ratios[3]: expected a number, got "x"
        pruning.groupSizes: 0 is not in [1, 1024]
        quantization.weightBits[0]: 1 is not in [2, 16] or 32
        quantization.weightBits[2]: 8 is listed twice (also at [1])
        quantization.activationBits[0]: 33 is not in [2, 16] or 32
        maxParallel: 2.5 is not an integer
        strategy.n: required by the random strategy (number of trials to sample)]
    `);
  });

  it('parseSpec suggests the closest key for unknown keys at every depth, or lists the allowed keys', () => {
    const text = y(
      'name: demo',
      'retrainig: {epochs: 2}',
      'models: [{name: lenet5, widht: 2}]',
      'quantization: {weightbits: [8]}',
      'baseline: {sched: cosine}',
      'zzzzzz: 1',
    );
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec (5 issues):
        retrainig: unknown key (did you mean "retraining"?)
        models[0].widht: unknown key (did you mean "width"?)
        quantization.weightbits: unknown key (did you mean "weightBits"?)
        baseline.sched: unknown key (allowed: epochs, optimizer, lr, momentum, schedule, batchSize, weightDecay)
        zzzzzz: unknown key (allowed: name, description, strategy, maxParallel, retry, data, models, datasets, pruning, quantization, clustering, retraining, baseline, accelerators, seeds)]
    `);
  });

  it('parseSpec reports wrong types, missing values and bad names', () => {
    const text = y(
      'name: "my sweep"',
      'models: [{width: 2}]',
      'pruning: 3',
      'seeds: "zero"',
      'datasets: []',
      'accelerators: kang-cx',
      'retry: {initialInterval: soon, backoff: 0.5}',
      'description: 7',
    );
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec (9 issues):
        name: "my sweep" is not a valid name (1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)
        models[0].name: required (one of lenet5, vgg, resnet8, resnet20, mobilenet)
        pruning: expected a mapping, got 3
        seeds: expected an integer, got "zero"
        datasets: must not be empty
        accelerators: expected a list of accelerators, got "kang-cx"
        retry.initialInterval: expected a duration like "500ms", "1s", "2m" or a number of milliseconds, got "soon"
        retry.backoff: 0.5 is not in [1, 100]
        description: expected a string, got 7]
    `);
  });

  it('parseSpec reports non-string enum values, empty names, mappings for lists and out-of-range durations', () => {
    const text = y(
      'name: ""',
      'datasets: [3]',
      'pruning: {methods: [magnitude], ratios: {a: 1}}',
      'retry: {initialInterval: 2h}',
    );
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec (4 issues):
        name: "" is not a valid name (1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)
        datasets[0]: expected one of fashion-mnist, mnist, cifar10, synthetic, got 3
        pruning.ratios: expected a number, got a mapping
        retry.initialInterval: "2h" (7200000 ms) is not in [1, 3600000] ms]
    `);
  });

  it('parseSpec reports fcRatio when kernel-row leaves FC layers dense', () => {
    const text = y('name: f', 'pruning: {methods: [kernel-row], fcPolicy: dense, fcRatio: 0.9}');
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec: pruning.fcRatio: set, but no trial uses it: FC layers stay dense (pruning.fcPolicy is [dense])]`,
    );
  });

  it('parseSpec reports settings that apply to another strategy or schedule', () => {
    const text = y(
      'name: demo',
      'strategy: {type: grid, n: 3}',
      'baseline: {schedule: {type: cosine, gamma: 0.5}}',
      'models: [{name: vgg, width: 0}]',
    );
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec (3 issues):
        strategy.n: only used by the random, nsga2 and gp strategy types
        baseline.schedule.gamma: only used by the step schedule
        models[0].width: 0 is not in (0, 16]]
    `);
  });

  it('parseSpec reports cross-field problems once every field is valid on its own', () => {
    const text = y(
      'name: cross',
      'datasets: [cifar10, mnist]',
      'baseline: {epochs: 10, schedule: {type: step, milestones: [5, 3, 12]}}',
      'retry: {initialInterval: 5s, maximumInterval: 1s}',
      'accelerators: [kang-cx, zhu-array, kang-cx]',
    );
    expect(() => parseSpec(text, { file: 'cross.yaml' })).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec cross.yaml (5 issues):
        data.path: required when datasets include cifar10 (directory holding the CIFAR-10 binary batches)
        baseline.schedule.milestones[1]: 3 is not greater than the previous milestone 5
        baseline.schedule.milestones[2]: 12 is not in [1, 10)
        retry.maximumInterval: 1000 ms is less than retry.initialInterval (5000 ms)
        accelerators[2]: "kang-cx" is listed twice (also at [0])]
    `);
  });

  it('parseSpec rejects explicitly set fields that no trial would use', () => {
    const text = y(
      'name: unused',
      'data: {path: /data/cifar}',
      'pruning: {methods: [none], ratios: [0.5], groupSizes: [8], rowsKept: 2, steps: 3}',
      'quantization: {rounding: stochastic, calibrationSize: 100}',
      'clustering: {init: density}',
      'retraining: {epochs: 3}',
    );
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec (9 issues):
        data.path: set, but no trial uses it: only cifar10 reads data.path and datasets does not include it
        pruning.ratios: set, but no trial uses it: only magnitude, group-balanced, filter use it and pruning.methods is [none]
        pruning.groupSizes: set, but no trial uses it: only group-balanced uses it and pruning.methods is [none]
        pruning.rowsKept: set, but no trial uses it: only kernel-row uses it and pruning.methods is [none]
        pruning.steps: set, but no trial uses it: only magnitude, group-balanced, kernel-row, filter use it and pruning.methods is [none]
        quantization.rounding: set, but no trial uses it: nothing is quantized (every weightBits and activationBits is 32)
        quantization.calibrationSize: set, but no trial uses it: activations are neither quantized nor clustered
        clustering.init: set, but no trial uses it: every weightClusters and activationClusters is 0 (clustering off)
        retraining.epochs: set, but no trial uses it: nothing is pruned (pruning.methods is [none]), so nothing is retrained]
    `);
  });

  it('parseSpec rejects percentile, steps and retraining fields made idle by other fields', () => {
    const text = y(
      'name: idle',
      'pruning: {methods: [magnitude], steps: 4}',
      'quantization: {weightBits: [8], threshold: [kl, max], percentile: 99.9}',
      'retraining: {epochs: 0, lr: 0.01}',
    );
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec (3 issues):
        pruning.steps: set, but no trial uses it: only the gradual schedule uses it and pruning.schedule does not include gradual
        quantization.percentile: set, but no trial uses it: only the percentile threshold uses it and quantization.threshold does not include it
        retraining.lr: set, but no trial uses it: retraining.epochs is 0]
    `);
  });

  it('parseSpec rejects LR rule B with a cosine baseline schedule', () => {
    const text = y(
      'name: b',
      'pruning: {methods: [magnitude]}',
      'retraining: {lrRule: [A, B]}',
      'baseline: {schedule: cosine}',
    );
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec: retraining.lrRule[1]: B (tail tracking) keeps the last steps of a step schedule, but baseline.schedule is cosine]`,
    );
  });

  it('parseSpec rejects a grid larger than the limit before expanding it', () => {
    const bits = '[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 32]';
    const text = y(
      'name: huge',
      'seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]',
      'models: [lenet5, vgg, resnet8, resnet20, mobilenet]',
      'pruning: {methods: [magnitude], ratios: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]}',
      `quantization: {weightBits: ${bits}, activationBits: ${bits}}`,
    );
    expect(() => parseSpec(text)).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec: (root): the axes span 115200 grid points, more than the limit of 100000; shorten some lists]`,
    );
  });

  it('parseSpec reports an empty document and a document that is not a mapping', () => {
    expect(() => parseSpec('')).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec: (root): the spec is empty; it needs at least a name]`,
    );
    expect(() => parseSpec('- a\n- b\n')).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec: (root): expected a mapping, got a list]`,
    );
    expect(() => parseSpec('# only a comment\n')).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec: (root): the spec is empty; it needs at least a name]`,
    );
  });

  it('parseSpec reports YAML syntax errors with line and column', () => {
    expect(() =>
      parseSpec(y('name: demo', 'models: [lenet5', 'seeds: [0]'), { file: 's.yaml' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec s.yaml: line 3, column 1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]]`,
    );
    expect(() => parseSpec(y('name: a', 'seeds: [0]', 'name: b'))).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec: line 3, column 1: YAML syntax error: Map keys must be unique]`,
    );
    expect(() => parseSpec(y('name: a', 'seeds: *nowhere'))).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: Invalid sweep spec: (root): YAML error: Unresolved alias (the anchor must be set before the alias): nowhere]`,
    );
  });

  it('parseSpec rejects non-finite numbers from YAML (.inf, .nan)', () => {
    expect(() => parseSpec(y('name: a', 'pruning: {methods: [magnitude], ratios: [.nan, .inf]}')))
      .toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec (2 issues):
        pruning.ratios[0]: expected a number, got NaN
        pruning.ratios[1]: expected a number, got Infinity]
    `);
  });
});

describe('parseSpec accelerators', () => {
  const known = new Set(['kang-cx', 'zhu-array']);
  const validateAccelerator = (a: unknown): string | undefined => {
    if (typeof a === 'string') return known.has(a) ? undefined : `unknown preset "${a}" (known: kang-cx, zhu-array)`;
    const o = a as Record<string, unknown>;
    return typeof o['base'] === 'string' ? undefined : 'custom accelerator needs a base preset';
  };

  it('parseSpec passes presets and custom mappings through unchanged', () => {
    const s = parseSpec(y('name: a', 'accelerators: [kang-cx, {base: kang-cx, tk: 32}]'), { validateAccelerator });
    expect(s.accelerators).toEqual(['kang-cx', { base: 'kang-cx', tk: 32 }]);
  });

  it('parseSpec reports the injected validator message at the accelerator path', () => {
    const text = y('name: a', 'accelerators:', '  - kang-cx', '  - kang-xc', '  - {tk: 32}', '  - 7');
    expect(() => parseSpec(text, { validateAccelerator })).toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec (3 issues):
        accelerators[1]: unknown preset "kang-xc" (known: kang-cx, zhu-array)
        accelerators[2]: custom accelerator needs a base preset
        accelerators[3]: expected a preset name or a mapping, got 7]
    `);
  });

  it('parseSpec reports an exception thrown by the validator as the message', () => {
    const throwing = (): string | undefined => {
      throw new Error('resolver exploded');
    };
    expect(() =>
      parseSpec(y('name: a', 'accelerators: [x]'), { validateAccelerator: throwing }),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: Invalid sweep spec: accelerators[0]: resolver exploded]`);
  });

  it('parseSpec defaults accelerators to kang-cx and zhu-array and allows an empty list', () => {
    expect(parseSpec('name: a').accelerators).toEqual(['kang-cx', 'zhu-array']);
    expect(parseSpec(y('name: a', 'accelerators: []')).accelerators).toEqual([]);
  });
});

describe('validateSpec', () => {
  it('validateSpec gives 1-based line and column of each issue', () => {
    const text = y('name: demo', 'pruning:', '  methods: [magnitude]', '  ratioz: [0.5]', '  ratios: [0.5, 1.5]');
    const r = validateSpec(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      { path: 'pruning.ratioz', message: 'unknown key (did you mean "ratios"?)', line: 4, column: 3 },
      { path: 'pruning.ratios[1]', message: '1.5 is not in [0, 1)', line: 5, column: 17 },
    ]);
  });

  it('validateSpec returns ok with the spec for a valid text', () => {
    const r = validateSpec('name: fine');
    expect(r.ok && r.spec.name).toBe('fine');
  });
});
