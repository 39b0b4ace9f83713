import * as tf from '@tensorflow/tfjs';
import { checkArg, HwsweepError } from '../../errors.js';
import { MODELS, type ModelName } from '../../shared/models.js';
import { Rng } from '../../shared/rng.js';
import { lenet5, vgg } from './lenet-vgg.js';
import { mobilenet, resnet } from './resnet-mobilenet.js';
import { kernelOf, prunableLayers } from './weights.js';

export { MODELS, type ModelName } from '../../shared/models.js';

export interface CreateModelOptions {
  name: ModelName;
  /** Per-image input shape `[h, w, c]` (NHWC without the batch axis), e.g. `[28, 28, 1]` or `[32, 32, 3]`. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Channel/unit multiplier. Default 1. */
  width?: number;
  /** Seed of the weight initialisation (He-uniform kernels, zero biases). */
  seed: number;
}

/**
 * Builds a zoo model: tfjs layers, NHWC input `[batch, h, w, c]`, HWIO kernels, output logits
 * `[batch, numClasses]` (no softmax). Conv/depthwise/dense layers have stable names
 * (`conv1`, `fc1`, `s2b1_conv1`, `dw3`, ...). Same options => bit-identical initial weights.
 * @throws MODEL_NOT_FOUND for an unknown name; INVALID_ARGUMENT for bad shapes or width.
 */
export function createModel(opts: CreateModelOptions): tf.LayersModel {
  const { name, inputShape, numClasses } = opts;
  const width = opts.width ?? 1;
  checkArg(
    inputShape.length === 3 && inputShape.every((d) => Number.isInteger(d) && d >= 1),
    'createModel',
    'inputShape',
    JSON.stringify(inputShape),
    '[h, w, c] with positive integers',
  );
  checkArg(Number.isInteger(numClasses) && numClasses >= 2, 'createModel', 'numClasses', numClasses, 'an integer >= 2');
  checkArg(width > 0 && width <= 16, 'createModel', 'width', width, 'in (0, 16]');
  let model: tf.LayersModel;
  switch (name) {
    case 'lenet5':
      checkArg(
        inputShape[0] >= 16 && inputShape[1] >= 16,
        'createModel',
        'inputShape',
        JSON.stringify(inputShape),
        'at least 16x16 for lenet5',
      );
      model = lenet5(inputShape, numClasses, width);
      break;
    case 'vgg':
      checkArg(
        inputShape[0] >= 8 && inputShape[1] >= 8,
        'createModel',
        'inputShape',
        JSON.stringify(inputShape),
        'at least 8x8 for vgg',
      );
      model = vgg(inputShape, numClasses, width);
      break;
    case 'resnet8':
      model = resnet(inputShape, numClasses, width, 1, 'resnet8');
      break;
    case 'resnet20':
      model = resnet(inputShape, numClasses, width, 3, 'resnet20');
      break;
    case 'mobilenet':
      model = mobilenet(inputShape, numClasses, width);
      break;
    default:
      throw new HwsweepError('MODEL_NOT_FOUND', `unknown model "${String(name)}" (known: ${MODELS.join(', ')})`, {
        context: { name: String(name) },
      });
  }
  initWeights(model, opts.seed);
  return model;
}

/**
 * Seeded He-uniform init of every prunable kernel: `U(-l, l)`, `l = sqrt(6 / fanIn)` with
 * fanIn = `kh*kw*inC` (conv), `kh*kw` (depthwise), `inUnits` (dense). Biases stay zero, BN stays
 * gamma = 1, beta = 0. Draws kernels in layer order from one `Rng(seed)`.
 */
export function initWeights(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const name of prunableLayers(model)) {
    const v = kernelOf(model, name);
    const shape = v.shape as number[];
    const fanIn =
      shape.length === 4
        ? (shape[0] ?? 1) * (shape[1] ?? 1) * (v.originalName.endsWith('depthwise_kernel') ? 1 : (shape[2] ?? 1))
        : (shape[0] ?? 1);
    const limit = Math.sqrt(6 / fanIn);
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (rng.next() * 2 - 1) * limit;
    const t = tf.tensor(data, shape);
    v.write(t);
    t.dispose();
  }
}

/**
 * A seeded fresh start for a whole network, e.g. a model file trained from scratch: kernels as `initWeights`,
 * biases, BN beta and moving mean 0, BN gamma and moving variance 1 (tfjs's defaults, what a zoo model starts with).
 */
export function initAllWeights(model: tf.LayersModel, seed: number): void {
  const kernels = new Set(prunableLayers(model).map((n) => kernelOf(model, n)));
  for (const w of model.weights) {
    if (kernels.has(w)) continue;
    const one = /\/(gamma|moving_variance)$/.test(w.originalName);
    const t = one ? tf.onesLike(w.read()) : tf.zerosLike(w.read());
    w.write(t);
    t.dispose();
  }
  initWeights(model, seed);
}
