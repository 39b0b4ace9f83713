import { describe, expect, it } from 'vitest';
import { describeTrial, expandSpec, gridUpperBound, parseSpec, validateSpec } from '../../../src/spec/index.js';

const y = (...lines: string[]): string => lines.join('\n') + '\n';
const expand = (...lines: string[]) => expandSpec(parseSpec(y(...lines)));
const issues = (...lines: string[]): string[] => {
  const r = validateSpec(y(...lines));
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('quantization.weightFormat: fixed point vs power-of-two (INQ / GSNQ) weights', () => {
  it('fixed × weightBits and pow2 × pow2.bits × signBased: each format ignores the other axis, silently', () => {
    const { trials, rejected } = expand(
      'name: wf',
      'quantization:',
      '  weightFormat: [fixed, pow2]',
      '  weightBits: [8, 4]',
      '  activationBits: [8]',
      '  pow2: { bits: [3, 5], signBased: [true, false] }',
    );
    expect(rejected).toEqual([]);
    expect(trials.map((t) => [t.weightFormat, t.weightBits, t.pow2SignBased, t.threshold, t.rounding])).toEqual([
      ['fixed', 8, null, 'kl', 'nearest'],
      ['pow2', 3, true, 'kl', 'nearest'], // activations are 8-bit fixed point: threshold and rounding apply to them
      ['pow2', 3, false, 'kl', 'nearest'],
      ['pow2', 5, true, 'kl', 'nearest'],
      ['pow2', 5, false, 'kl', 'nearest'],
      ['fixed', 4, null, 'kl', 'nearest'],
    ]);
    expect(trials.map(describeTrial)).toEqual([
      'lenet5/fashion-mnist dense W8A8 s0',
      'lenet5/fashion-mnist dense W3A8 pow2 s0',
      'lenet5/fashion-mnist dense W3A8 pow2-sym s0',
      'lenet5/fashion-mnist dense W5A8 pow2 s0',
      'lenet5/fashion-mnist dense W5A8 pow2-sym s0',
      'lenet5/fashion-mnist dense W4A8 s0',
    ]);
    // Unpruned pow2 trials still get INQ (retraining between steps), with the retraining section's optimizer.
    expect(trials[1]?.inq).toEqual({
      steps: [0.5, 0.75, 0.875, 1],
      epochsPerStep: 1,
      optimizer: 'sgd',
      lr: 0.001,
      momentum: 0.9,
      batchSize: 64,
    });
    expect(trials[1]?.retrain).toBeNull();
    expect(trials[0]?.inq).toBeNull();
    expect(
      gridUpperBound(parseSpec(y('name: g', 'quantization: {weightFormat: [fixed, pow2], pow2: {bits: [3, 4, 5]}}'))),
    ).toBe(6);
  });

  it('pow2 with float activations takes no threshold or rounding; float weights have no format', () => {
    const { trials } = expand('name: f', 'quantization: {weightFormat: [fixed, pow2]}');
    expect(trials.map((t) => [t.weightFormat, t.weightBits, t.threshold, t.rounding, t.calibrationSize])).toEqual([
      [null, 32, null, null, null],
      ['pow2', 4, null, null, null],
    ]);
    expect(trials.map(describeTrial)).toEqual([
      'lenet5/fashion-mnist dense fp32 s0',
      'lenet5/fashion-mnist dense W4A32 pow2 s0',
    ]);
  });

  it('epochsPerStep 0 is post-training power-of-two quantization (no INQ config)', () => {
    const { trials } = expand('name: p', 'quantization: {weightFormat: [pow2], pow2: {epochsPerStep: 0}}');
    expect(trials.map((t) => [t.weightFormat, t.inq])).toEqual([['pow2', null]]);
  });

  it('pow2 weights cannot be clustered: such points are rejected with the reason (and a spec of only those is refused)', () => {
    const { trials, rejected } = expand(
      'name: c',
      'quantization: {weightFormat: [fixed, pow2], weightBits: [8]}',
      'clustering: {weightClusters: [0, 16]}',
    );
    expect(trials.map((t) => [t.weightFormat, t.weightClusters])).toEqual([
      ['fixed', 0],
      ['fixed', 16],
      ['pow2', 0],
    ]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'pow2 weights cannot also be clustered: weightClusters = 16 would replace the powers of two by k-means centroids (use weightClusters 0 with pow2)',
    ]);
    expect(issues('name: c', 'quantization: {weightFormat: [pow2]}', 'clustering: {weightClusters: [16]}')).toEqual([
      '(root): every one of the 1 grid points is rejected, so the sweep would run nothing: pow2 weights cannot also be clustered: weightClusters = 16 would replace the powers of two by k-means centroids (use weightClusters 0 with pow2)',
    ]);
  });

  it('validates pow2 fields with their paths', () => {
    expect(
      issues('name: v', 'quantization: {weightFormat: [pow2], pow2: {bits: [1, 9], steps: [0.5, 0.4, 1]}}'),
    ).toEqual([
      'quantization.pow2.bits[0]: 1 is not in [2, 8]',
      'quantization.pow2.bits[1]: 9 is not in [2, 8]',
      'quantization.pow2.steps[1]: 0.4 is not greater than the previous step 0.5',
    ]);
    expect(issues('name: v', 'quantization: {weightFormat: [pow2], pow2: {steps: [0.5, 0.9]}}')).toEqual([
      'quantization.pow2.steps[1]: the last step is 0.9; it must be 1 (every weight a power of two)',
    ]);
    expect(issues('name: v', 'quantization: {weightFormat: [pow2], pow2: {steps: [0, 1]}}')).toEqual([
      'quantization.pow2.steps[0]: 0 is not in (0, 1]',
    ]);
    expect(issues('name: v', 'quantization: {weightFormat: [pow2], pow2: {signBased: yes}}')).toEqual([
      'quantization.pow2.signBased: expected true or false, got "yes"',
    ]);
    expect(issues('name: v', 'quantization: {weightFormat: [pow3]}')).toEqual([
      'quantization.weightFormat[0]: "pow3" is not one of fixed, pow2 (did you mean "pow2"?)',
    ]);
  });

  it('settings no trial uses are errors: pow2 without pow2 weights, weightBits with only pow2, steps without retraining', () => {
    expect(issues('name: u', 'quantization: {weightBits: [8], pow2: {bits: [3]}}')).toEqual([
      'quantization.pow2: set, but no trial uses it: only weightFormat pow2 uses it and quantization.weightFormat is [fixed]',
    ]);
    expect(issues('name: u', 'quantization: {weightFormat: [pow2], weightBits: [8]}')).toEqual([
      'quantization.weightBits: set, but no trial uses it: pow2 trials take their width from quantization.pow2.bits and weightFormat is [pow2]',
    ]);
    expect(
      issues('name: u', 'quantization: {weightFormat: [pow2], pow2: {epochsPerStep: 0, steps: [0.5, 1]}}'),
    ).toEqual([
      'quantization.pow2.steps: set, but no trial uses it: quantization.pow2.epochsPerStep is 0: every weight becomes a power of two at once, with no retraining between steps',
    ]);
    expect(issues('name: u', 'quantization: {weightFormat: [pow2], rounding: [stochastic]}')).toEqual([
      'quantization.rounding: set, but no trial uses it: power-of-two weights take no threshold or rounding, and every activationBits is 32',
    ]);
  });

  it('INQ uses the retraining optimizer, lr, momentum and batch size even when nothing is pruned (epochs and lrRule stay errors)', () => {
    expect(
      issues(
        'name: r',
        'quantization: {weightFormat: [pow2]}',
        'retraining: {lr: 0.01, optimizer: adam, batchSize: 32}',
      ),
    ).toEqual([]);
    expect(issues('name: r', 'quantization: {weightFormat: [pow2]}', 'retraining: {epochs: 2}')).toEqual([
      'retraining.epochs: set, but no trial uses it: nothing is pruned (pruning.methods is [none]) and INQ uses only optimizer, lr, momentum and batchSize',
    ]);
    expect(
      issues('name: r', 'quantization: {weightFormat: [pow2], pow2: {epochsPerStep: 0}}', 'retraining: {lr: 0.01}'),
    ).toEqual([
      'retraining.lr: set, but no trial uses it: nothing is pruned (pruning.methods is [none]), so nothing is retrained',
    ]);
  });
});
