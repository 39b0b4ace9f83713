import * as tf from '@tensorflow/tfjs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { checkArg, HwsweepError } from '../../errors.js';
import { Rng } from '../../shared/rng.js';
import { epochOrder, miniBatches } from '../data/batches.js';
import type { Dataset } from '../data/types.js';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointState } from './checkpoint.js';
import { batchLossAndCorrect, evaluate, modelInputShape } from './evaluate.js';
import { installFastBatchNormGrad } from './bn-grad.js';
import { useFusedBatchNorm } from '../backend/native-batchnorm.js';
import {
  applyFrozen,
  applyMasks,
  bindFrozen,
  bindMasks,
  disposeFrozen,
  disposeMasks,
  type BoundFrozen,
  type BoundMask,
} from './masks.js';
import { Optimizer, type Param } from './optimizer.js';
import { lrAt } from './schedule.js';
import type { EpochMetrics, TrainHooks, TrainOptions } from './types.js';

function validate(opts: TrainOptions): void {
  const where = 'trainModel';
  checkArg(Number.isInteger(opts.epochs) && opts.epochs >= 1, where, 'epochs', opts.epochs, 'an integer >= 1');
  checkArg(
    Number.isInteger(opts.batchSize) && opts.batchSize >= 1,
    where,
    'batchSize',
    opts.batchSize,
    'an integer >= 1',
  );
  checkArg(
    opts.optimizer === 'sgd' || opts.optimizer === 'adam',
    where,
    'optimizer',
    opts.optimizer,
    "'sgd' or 'adam'",
  );
  checkArg(Number.isFinite(opts.lr) && opts.lr > 0, where, 'lr', opts.lr, 'a finite number > 0');
  const m = opts.momentum ?? 0.9;
  checkArg(m >= 0 && m < 1, where, 'momentum', m, 'in [0, 1)');
  const wd = opts.weightDecay ?? 0;
  checkArg(wd >= 0 && wd < 1, where, 'weightDecay', wd, 'in [0, 1)');
}

/**
 * Trains `model` on `data.train` with a custom loop: per batch `tf.variableGrads` of the mean
 * softmax cross-entropy (model in training mode, BN batch statistics), one optimizer step, then the
 * masks are re-applied so pruned weights stay exactly 0. Data order is a seeded permutation per
 * epoch. Same seed + backend + initial weights => identical loss curve; resuming from a checkpoint
 * written by `onEpochEnd` reproduces the rest of the uninterrupted run exactly.
 * Between batches it yields to the event loop and checks `hooks.signal` (throws CANCELLED).
 * Tensors are disposed inside; `tf.memory().numTensors` is unchanged after return.
 */
export async function trainModel(
  model: tf.LayersModel,
  data: Dataset,
  opts: TrainOptions,
  hooks: TrainHooks = {},
): Promise<{ history: EpochMetrics[] }> {
  validate(opts);
  installFastBatchNormGrad();
  useFusedBatchNorm(model); // TensorFlow's fused BN kernels when the native backend runs
  const shape = modelInputShape(model);
  if (shape.join() !== data.shape.join()) {
    throw new HwsweepError(
      'SHAPE_MISMATCH',
      `trainModel: model input [${shape.join(',')}] does not match dataset ${data.name} [${data.shape.join(',')}]`,
      {
        context: { model: model.name, dataset: data.name },
      },
    );
  }
  const imageSize = shape[0] * shape[1] * shape[2];
  const numClasses = Number(model.outputs[0]?.shape[1]);
  const params: Param[] = model.trainableWeights.map((w) => ({
    key: w.originalName,
    v: w.read() as tf.Variable,
    decay: /\/(depthwise_)?kernel$/.test(w.originalName),
  }));
  const varList = params.map((p) => p.v);
  const optimizer = new Optimizer(
    {
      kind: opts.optimizer,
      momentum: opts.momentum ?? 0.9,
      weightDecay: opts.weightDecay ?? 0,
      beta1: opts.beta1 ?? 0.9,
      beta2: opts.beta2 ?? 0.999,
      epsilon: opts.epsilon ?? 1e-7,
    },
    params,
  );
  const run = {
    optimizer: opts.optimizer,
    batchSize: opts.batchSize,
    epochs: opts.epochs,
    seed: opts.seed,
    model: model.name,
  };
  const rng = new Rng(opts.seed);
  let masks = opts.masks;
  let frozen = opts.frozen;
  let history: EpochMetrics[] = [];
  let start = 0;
  let bound: BoundMask[] = [];
  let pinned: BoundFrozen[] = [];
  try {
    if (hooks.resumeFrom) {
      // Weights (incl. BN statistics) come back exactly; the masks/frozen maps of the checkpoint
      // apply unless the caller passes its own.
      const ck = decodeCheckpoint(model, hooks.resumeFrom);
      if (JSON.stringify(ck.state.run) !== JSON.stringify(run)) {
        throw new HwsweepError(
          'INVALID_ARGUMENT',
          `trainModel: checkpoint belongs to run ${JSON.stringify(ck.state.run)}, not ${JSON.stringify(run)}`,
        );
      }
      optimizer.load(ck.blobs, ck.state.optimizerStep);
      rng.state = ck.state.rngState;
      masks = masks ?? ck.masks;
      frozen = frozen ?? ck.frozen;
      history = ck.state.history;
      start = ck.state.epoch + 1;
    }
    bound = bindMasks(model, masks);
    applyMasks(bound);
    pinned = bindFrozen(model, frozen);
    const end = Math.min(opts.epochs, hooks.until ?? opts.epochs);
    for (let epoch = start; epoch < end; epoch++) {
      const t0 = performance.now();
      const lr = lrAt(opts.schedule, epoch, opts.lr, opts.epochs);
      const order = epochOrder(data.train.n, rng);
      let lossSum = 0;
      let correct = 0;
      let batchIndex = 0;
      for (const batch of miniBatches(data.train, order, opts.batchSize, imageSize)) {
        await yieldToEventLoop();
        if (hooks.signal?.aborted)
          throw new HwsweepError('CANCELLED', `trainModel: cancelled in epoch ${epoch}`, { context: { epoch } });
        const out = tf.tidy(() => {
          const x = tf.tensor4d(batch.x, [batch.size, ...shape]);
          const y = tf.tensor1d(batch.y, 'int32');
          let correctT: tf.Scalar | undefined;
          const { value, grads } = tf.variableGrads(() => {
            const o = batchLossAndCorrect(model, x, y, true, numClasses);
            correctT = tf.keep(o.correct);
            return o.loss;
          }, varList);
          optimizer.apply(params, grads, lr);
          applyMasks(bound);
          applyFrozen(pinned);
          const stats = tf.stack([tf.mul(value, batch.size), correctT ?? tf.scalar(0)]);
          correctT?.dispose();
          return stats;
        });
        const [l, c] = out.dataSync();
        out.dispose();
        lossSum += l ?? 0;
        correct += c ?? 0;
        hooks.onBatchEnd?.(epoch, batchIndex++, (l ?? 0) / batch.size);
      }
      const m: EpochMetrics = {
        epoch,
        lr,
        loss: lossSum / data.train.n,
        accuracy: correct / data.train.n,
        durationMs: 0,
      };
      if (opts.evalEachEpoch) {
        const v = await evaluate(model, data.test, { batchSize: Math.max(opts.batchSize, 256) });
        m.valLoss = v.loss;
        m.valAccuracy = v.accuracy;
      }
      m.durationMs = performance.now() - t0;
      history.push(m);
      if (hooks.onEpochEnd) {
        const state: CheckpointState = {
          epoch,
          rngState: rng.state,
          optimizerStep: optimizer.step,
          run,
          history: [...history],
        };
        await hooks.onEpochEnd(m, () => encodeCheckpoint(model, state, { masks, frozen }, optimizer.save()));
      }
    }
    return { history };
  } finally {
    disposeMasks(bound);
    disposeFrozen(pinned);
    optimizer.dispose();
  }
}
