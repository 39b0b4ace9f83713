import type { TrainOptions } from '../nn/index.js';
import type { BaselineRecipe, RetrainConfig, TrialConfig } from '../spec/index.js';
import { baselineSchedule } from './data.js';

/** Training options of a baseline recipe. */
export function baselineTrainOptions(r: BaselineRecipe, seed: number): TrainOptions {
  return {
    epochs: r.epochs,
    batchSize: r.batchSize,
    optimizer: r.optimizer,
    lr: r.lr,
    momentum: r.momentum,
    weightDecay: r.weightDecay,
    schedule: baselineSchedule(r),
    seed,
    evalEachEpoch: true,
  };
}

/**
 * Retraining options (METHODS §6.3): LR rules A and B track the baseline's own schedule over the retraining
 * budget, starting from the baseline's initial LR; `constant` fine-tunes at `retrain.lr`.
 */
export function retrainTrainOptions(rt: RetrainConfig, baseline: BaselineRecipe, seed: number): TrainOptions {
  const tracking = rt.lrRule !== 'constant';
  return {
    epochs: rt.epochs,
    batchSize: rt.batchSize,
    optimizer: rt.optimizer,
    lr: tracking ? baseline.lr : rt.lr,
    momentum: rt.momentum,
    weightDecay: baseline.weightDecay,
    schedule: tracking
      ? { kind: 'lr-tracking', rule: rt.lrRule as 'A' | 'B', original: baselineSchedule(baseline), originalEpochs: baseline.epochs, originalLr: baseline.lr }
      : { kind: 'constant' },
    seed: seed + 1,
    evalEachEpoch: true,
  };
}

/**
 * Whether the trial has a training phase after pruning: retraining of the pruned net (`retrain`), the incremental
 * power-of-two retraining (`inq`), or both (the workflow's retrain step runs them in that order).
 */
export function needsRetrainPhase(t: Pick<TrialConfig, 'retrain' | 'inq'>): boolean {
  return (t.retrain?.epochs ?? 0) > 0 || t.inq !== null;
}
