import { readFileSync } from 'node:fs';
import { buildSpace, type Evaluation, type SearchSpace } from '../../../src/search/index.js';
import { expandSpec, parseSpec, parseSpecObject, type SweepSpec, type TrialConfig } from '../../../src/spec/index.js';

/** A validated example spec from examples/. */
export function example(name: string): SweepSpec {
  return parseSpec(readFileSync(new URL(`../../../examples/${name}.yaml`, import.meta.url), 'utf8'));
}

/** A spec from a plain object (defaults filled in). */
export const spec = (o: Record<string, unknown>): SweepSpec => parseSpecObject({ name: 't', ...o });

/** Every valid trial of the spec's grid and the space they span. */
export function spaceOf(s: SweepSpec): { trials: TrialConfig[]; space: SearchSpace } {
  const trials = expandSpec({ ...s, strategy: { type: 'grid' } }).trials;
  return { trials, space: buildSpace(trials) };
}

/**
 * A cheap deterministic objective over the trial's fields: accuracy falls with the ratio and low bit widths,
 * speedup rises with the ratio, size falls with ratio and bits; `accuracyDrop` is 0.9 - accuracy.
 */
export function toyValues(t: TrialConfig): Record<string, number> {
  const r = t.nominalRatio ?? 0.6;
  const accuracy = 0.9 - 0.3 * r ** 3 - 0.2 / t.weightBits - (t.method === 'filter' ? 0.1 * r : 0);
  return {
    accuracy,
    accuracyDrop: 0.9 - accuracy,
    'speedup@kang-cx': 1 / (1 - 0.9 * r) + (t.method === 'group-balanced' ? 0.5 : 0),
    modelBytes: 1000 * (1 - r) * t.weightBits + 10 * t.activationBits,
  };
}

/** A learning curve of `epochs` values rising toward the toy accuracy. */
export function toyCurve(t: TrialConfig, epochs: number): number[] {
  const final = toyValues(t)['accuracy'] as number;
  return Array.from({ length: epochs }, (_, e) => final - 0.2 * Math.exp(-(e + 1) / 2));
}

export function toyEvaluation(trials: readonly TrialConfig[], epochs = 0): (candidate: number) => Evaluation {
  return (c) => {
    const t = trials[c] as TrialConfig;
    return { curve: toyCurve(t, epochs), values: toyValues(t) };
  };
}
