import type * as tf from '@tensorflow/tfjs';
import type { LrSchedule } from './schedule.js';

/** Layer name -> 0/1 mask with the kernel's shape and layout (HWIO / `[in, out]`), 1 = kept. */
export type Masks = Map<string, Uint8Array>;

export interface EpochMetrics {
  /** 0-based epoch index. */
  epoch: number;
  lr: number;
  /** Mean training cross-entropy over the epoch's batches (weighted by batch size). */
  loss: number;
  /** Training top-1 accuracy over the epoch, in `[0, 1]`. */
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Wall time of the epoch (training + evaluation), milliseconds. */
  durationMs: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  /** Base learning rate (the schedule scales or replaces it). */
  lr: number;
  /** SGD momentum (PyTorch form `v = m v + g; w -= lr v`). Default 0.9; 0 = plain SGD. */
  momentum?: number;
  /** L2 weight decay added to the gradient of kernels (not biases/BN): `g += wd * w`. Default 0. */
  weightDecay?: number;
  schedule: LrSchedule;
  /** Seeds the data order; same seed + backend + initial weights => identical loss curve. */
  seed: number;
  /** Fixed pruning masks: applied before training and after every optimizer step (METHODS §1.1). */
  masks?: Masks;
  /**
   * Frozen weights (layer -> 0/1 map with the kernel's shape, 1 = frozen): those entries keep the
   * value they have when training starts (after masking), exactly, through every step — the INQ
   * recipe of METHODS §6.4 step 4 (quantize part of a layer, retrain the rest).
   */
  frozen?: Masks;
  /** Evaluate on `data.test` after every epoch (fills valLoss/valAccuracy). Default false. */
  evalEachEpoch?: boolean;
  /** Adam betas/epsilon. Defaults 0.9, 0.999, 1e-7 (tfjs/Keras). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface TrainHooks {
  /** Checkpoint bytes from an earlier run of the same options; training continues after its epoch. */
  resumeFrom?: Uint8Array;
  /** Called after each epoch; `checkpoint()` serialises the full state at that point. */
  onEpochEnd?: (m: EpochMetrics, checkpoint: () => Uint8Array) => Promise<void> | void;
  /**
   * Called after every optimizer step with the 0-based epoch, the batch index within the epoch and
   * the batch's mean loss: lets an activity heartbeat inside long epochs. Keep it cheap.
   */
  onBatchEnd?: (epoch: number, batch: number, loss: number) => void;
  /** Checked between batches; an abort throws HwsweepError('CANCELLED'). */
  signal?: AbortSignal;
  /**
   * Stop after this many epochs in all (epochs `[resumed, until)` run), e.g. at an early-stopping rung; the LR
   * schedule still spans `opts.epochs`, so a later call resuming from the checkpoint continues the same run.
   */
  until?: number;
}

/**
 * Evaluation-time transforms; the compression library plugs in here.
 * - `weight(layer, w, shape)`: replaces a prunable layer's kernel (`w` in HWIO / `[in, out]`
 *   layout) for the evaluation only; the model's weights are restored afterwards.
 * - `activation(layer, x)`: maps the INPUT activation of a prunable layer (`x` is NHWC
 *   `[batch, h, w, c]`, or `[batch, units]` for dense) to a tensor of the same shape. Runs inside
 *   `tf.tidy`; return a new tensor (or `x`), do not dispose `x`.
 * `layers` restricts both to the named layers (default: all prunable layers).
 */
export interface EvalTransforms {
  weight?: (layer: string, w: Float32Array, shape: number[]) => Float32Array;
  activation?: (layer: string, x: tf.Tensor) => tf.Tensor;
  layers?: string[];
}
