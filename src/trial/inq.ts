/**
 * The incremental power-of-two retraining of a trial (INQ / GSNQ, METHODS §6.4 step 4): step k turns the fraction
 * `inq.steps[k]` of every layer's kept weights into frozen powers of two (largest |w| first) and retrains the rest;
 * the last step (fraction 1) leaves every kept weight a power of two. Storage, persistence and checkpoints are the
 * caller's (an activity passes them in as an {@link InqRunner}), so the schedule itself is plain, testable code.
 */
import type * as tf from '@tensorflow/tfjs';
import {
  firstOffGrid,
  inqStep,
  layerPow2Levels,
  pow2ModeOf,
  type LayerPow2Levels,
} from '../compress/quantize/index.js';
import { HwsweepError } from '../errors.js';
import { getWeights, setWeights, type Masks, type TrainOptions } from '../nn/index.js';
import type { BaselineRecipe, InqConfig, TrialConfig } from '../spec/index.js';

/** What the caller provides: training with frozen weights, and a place to keep finished steps. */
export interface InqRunner {
  /** Trains the model in place for one step with `options.frozen` pinned (and the trial's masks re-applied). */
  train(step: number, options: TrainOptions): Promise<void>;
  /** Loads into the model the weights of a step an earlier attempt finished, and returns its frozen maps. */
  restore?(step: number): Promise<Masks | undefined>;
  /** Keeps the model's weights and the frozen maps after a step (so a retried attempt can skip it). */
  save?(step: number, frozen: Masks): Promise<void>;
}

/** One finished step: the fraction asked and the fraction of kept weights actually frozen, over all layers. */
export interface InqStepReport {
  step: number;
  fraction: number;
  frozenFraction: number;
  trained: boolean;
  restored: boolean;
}

/** Training options of INQ step `step` (1-based): constant LR, the retraining optimizer, a seed per step. */
export function inqTrainOptions(inq: InqConfig, baseline: BaselineRecipe, seed: number, step: number): TrainOptions {
  return {
    epochs: inq.epochsPerStep,
    batchSize: inq.batchSize,
    optimizer: inq.optimizer,
    lr: inq.lr,
    momentum: inq.momentum,
    weightDecay: baseline.weightDecay,
    schedule: { kind: 'constant' },
    seed: seed + 100 + step,
    evalEachEpoch: true,
  };
}

/** The checkpoint / artefact phase name of INQ step `step`. */
export const inqPhase = (step: number): string => `inq-${step}`;

/**
 * Runs the INQ schedule of trial `t` on `model` (in place). The exponent ranges of each layer are fixed from the
 * model's kept weights when this is called (so a retried attempt, starting from the same weights, gets the same
 * ones); finished steps are restored through `runner.restore`. After the last step every kept weight of every
 * prunable layer is 0 or ±2^e inside its layer's range, which is checked.
 * @param masks the trial's pruning masks (1 = kept); pruned weights stay 0 and are not counted
 * @throws HwsweepError INVALID_ARGUMENT when the trial has no INQ config
 */
export async function incrementalPow2(
  model: tf.LayersModel,
  t: Pick<TrialConfig, 'inq' | 'weightBits' | 'pow2SignBased' | 'baseline' | 'seed'>,
  masks: Masks,
  runner: InqRunner,
): Promise<{ levels: Map<string, LayerPow2Levels>; steps: InqStepReport[] }> {
  const inq = t.inq;
  if (inq === null) throw new HwsweepError('INVALID_ARGUMENT', 'incrementalPow2: the trial has no INQ configuration');
  const mode = pow2ModeOf(t.pow2SignBased);
  const start = getWeights(model);
  const levels = new Map([...start].map(([name, w]) => [name, layerPow2Levels(w, t.weightBits, mode, masks.get(name))]));
  const reports: InqStepReport[] = [];
  let frozen: Masks = new Map();
  for (let step = 1; step <= inq.steps.length; step++) {
    const fraction = inq.steps[step - 1] as number;
    const last = step === inq.steps.length;
    const restored = await runner.restore?.(step);
    if (restored) {
      frozen = restored;
    } else {
      const weights = getWeights(model);
      const next: Masks = new Map();
      const values = new Map<string, Float32Array>();
      for (const [name, w] of weights) {
        const mask = masks.get(name);
        const r = inqStep(w, {
          fraction,
          levels: levels.get(name) as LayerPow2Levels,
          ...(mask ? { mask } : {}),
          ...(frozen.has(name) ? { frozen: frozen.get(name) } : {}),
        });
        values.set(name, r.values);
        next.set(name, r.frozen);
      }
      setWeights(model, values);
      frozen = next;
      // The last step quantizes every weight: nothing is left to retrain.
      if (!last) await runner.train(step, { ...inqTrainOptions(inq, t.baseline, t.seed, step), frozen });
      await runner.save?.(step, frozen);
    }
    reports.push({ step, fraction, frozenFraction: frozenShare(frozen, masks), trained: !last && !restored, restored: !!restored });
  }
  for (const [name, w] of getWeights(model)) {
    const bad = firstOffGrid(w, levels.get(name) as LayerPow2Levels, masks.get(name));
    if (bad) {
      throw new HwsweepError(
        'INVALID_ARGUMENT',
        `incrementalPow2: layer ${name} weight ${bad.index} = ${bad.value} is not a ${t.weightBits}-bit power of two after the last step`,
        { context: { layer: name, index: bad.index } },
      );
    }
  }
  return { levels, steps: reports };
}

/** Frozen kept weights / kept weights, over all layers of `frozen`. */
function frozenShare(frozen: Masks, masks: Masks): number {
  let f = 0;
  let kept = 0;
  for (const [name, fr] of frozen) {
    const mask = masks.get(name);
    for (let i = 0; i < fr.length; i++) {
      if (mask && !mask[i]) continue;
      kept++;
      f += fr[i] as number;
    }
  }
  return kept === 0 ? 0 : f / kept;
}
