/**
 * Gradual pruning schedules and the monotone iterative recompute `M_t = GBP(W*M_{t-1}, n_t)`
 * (METHODS §1.2 step 6, §2.2 step 5, §4.2 step 3). Retraining between steps is the caller's job.
 */
import { checkArg } from '../../errors.js';
import { groupBalancedMask } from './group-balanced.js';
import type { GbpOptions, GbpResult } from './group-balanced.js';
import { magnitudeMask } from './magnitude.js';
import { checkGroupSize, checkRatio } from './params.js';

function checkSteps(where: string, steps: number): void {
  checkArg(Number.isInteger(steps) && steps >= 1, where, 'steps', steps, 'an integer >= 1');
}

/**
 * Ratio schedule of §2.2 step 5: `r_t = ratio * t / steps`, t = 1..steps (default 3 steps).
 * @returns `steps` increasing ratios ending exactly at `ratio`
 */
export function ratioSchedule(ratio: number, steps = 3): number[] {
  checkRatio('ratioSchedule', ratio);
  checkSteps('ratioSchedule', steps);
  return Array.from({ length: steps }, (_, i) => (i + 1 === steps ? ratio : (ratio * (i + 1)) / steps));
}

/** One step of a keep-count schedule. */
export interface KeepStep {
  /** `p_t`: weights pruned per full group at step t. */
  pruned: number;
  /** `n_t = g - p_t`. */
  keep: number;
}

/**
 * Keep-count schedule of §4.2 step 3: `p_t = ceil(t * p / steps)`, `n_t = g - p_t`, t = 1..steps
 * (default 4; g = 16, p = 12 gives p_t = 3, 6, 9, 12).
 * @param pruned final `p` per full group, integer in [0, g-1]
 */
export function keepSchedule(groupSize: number, pruned: number, steps = 4): KeepStep[] {
  const where = 'keepSchedule';
  checkGroupSize(where, groupSize);
  checkArg(
    Number.isInteger(pruned) && pruned >= 0 && pruned <= groupSize - 1,
    where,
    'pruned',
    pruned,
    `an integer in [0, ${groupSize - 1}]`,
  );
  checkSteps(where, steps);
  return Array.from({ length: steps }, (_, i) => {
    const p = Math.ceil(((i + 1) * pruned) / steps);
    return { pruned: p, keep: groupSize - p };
  });
}

/** A GBP schedule step: a keep count or a ratio (not both). */
export type GbpStep = { keep: number } | { ratio: number };

/**
 * Gradual GBP: step t recomputes the mask from the weights with the previous step's mask as
 * constraint (`M_t = GBP(W*M_{t-1}, n_t)`; previously pruned slots sort last, so masks are monotone).
 * The schedule must not grow the keep count (keeps non-increasing / ratios non-decreasing).
 * @param w kernel, layout as in {@link groupBalancedMask}; not modified
 * @param start optional mask to start from (e.g. the mask of an earlier, already retrained step)
 * @returns one result per step; the last one is the final mask
 */
export function gradualGroupBalanced(
  w: Float32Array,
  shape: readonly number[],
  opts: Omit<GbpOptions, 'keep' | 'ratio' | 'prevMask'>,
  steps: readonly GbpStep[],
  start?: Uint8Array,
): GbpResult[] {
  const out: GbpResult[] = [];
  let prev = start;
  let lastKeep = Infinity;
  for (const [t, step] of steps.entries()) {
    const res = groupBalancedMask(w, shape, { ...opts, ...step, ...(prev ? { prevMask: prev } : {}) });
    checkArg(
      res.keepPerFullGroup <= lastKeep,
      'gradualGroupBalanced',
      `steps[${t}]`,
      JSON.stringify(step),
      'a step keeping no more weights per group than the step before',
    );
    lastKeep = res.keepPerFullGroup;
    out.push(res);
    prev = res.mask;
  }
  return out;
}

/**
 * Gradual unstructured magnitude pruning over increasing ratios (e.g. {@link ratioSchedule});
 * each step prunes the previous step's zeros first, so masks are monotone.
 * @returns one mask per step
 */
export function gradualMagnitude(w: Float32Array, ratios: readonly number[], start?: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = start;
  let last = -Infinity;
  for (const [t, r] of ratios.entries()) {
    checkArg(r >= last, 'gradualMagnitude', `ratios[${t}]`, r, `a ratio >= the previous one (${last})`);
    last = r;
    const m = magnitudeMask(w, r, prev ? { prevMask: prev } : {});
    out.push(m);
    prev = m;
  }
  return out;
}

/**
 * Layer-iterative schedule (§6.2 step 5, for nets with mixed kernel sizes): step s prunes the
 * layers of stages `0..s` (input to output) and leaves later stages dense through `skip`. Between
 * steps the caller retrains `E_l` epochs and passes the previous masks as `prevMasks` where the
 * method supports them; a final retrain follows the last step.
 * @param layerNames layer names in network order
 * @param stages groups of layer names, in order; default one stage per layer
 * @returns one config per stage (the last one equals `cfg` with its own `skip`)
 */
export function layerIterativeConfigs<T extends { skip?: readonly string[] }>(
  layerNames: readonly string[],
  cfg: T,
  stages: readonly (readonly string[])[] = layerNames.map((n) => [n]),
): T[] {
  const known = new Set(layerNames);
  for (const st of stages)
    for (const n of st) checkArg(known.has(n), 'layerIterativeConfigs', 'stages', n, 'layer names of the model');
  return stages.map((_, s) => {
    const later = stages.slice(s + 1).flat();
    return { ...cfg, skip: [...new Set([...(cfg.skip ?? []), ...later])] };
  });
}
