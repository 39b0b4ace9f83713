import * as tf from '@tensorflow/tfjs';

/** Tiny versions of the zoo's architectures, built here so the kernel tests do not depend on the zoo. */
type Sym = tf.SymbolicTensor;
const L = tf.layers;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;

// Seeded initial weights: every build of a model starts from the same weights, so a gradient comparison that
// fails fails on every run (with tfjs's unseeded default, a per-tensor relative error near the tolerance
// passed or failed by the draw: a batch-norm gamma gradient is a sum with much cancellation).
let nextSeed = 0;
const kernel = () => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: ++nextSeed }) });
const depthwise = () => ({ depthwiseInitializer: tf.initializers.glorotUniform({ seed: ++nextSeed }) });
/** Starts a model's seed sequence (each builder calls it first). */
const seeds = (start: number): void => {
  nextSeed = start;
};

/** LeNet-5: conv 5x5 'same' → max-pool → conv 5x5 'valid' → avg-pool → dense ×3 (`[28,28,1]` input). */
export function tinyLenet(): tf.LayersModel {
  seeds(100);
  const input = tf.input({ shape: [28, 28, 1] });
  let x = ap(L.conv2d({ ...kernel(), filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }), input);
  x = ap(L.maxPooling2d({ poolSize: 2 }), x);
  x = ap(L.conv2d({ ...kernel(), filters: 16, kernelSize: 5, activation: 'relu' }), x);
  x = ap(L.averagePooling2d({ poolSize: 2 }), x);
  x = ap(L.flatten(), x);
  x = ap(L.dense({ ...kernel(), units: 32, activation: 'relu' }), x);
  x = ap(L.dense({ ...kernel(), units: 16, activation: 'relu' }), x);
  return tf.model({ inputs: input, outputs: ap(L.dense({ ...kernel(), units: 10 }), x) });
}

/** VGG-style: 3x3 'same' convs with batch norm, max-pool (odd size: 'valid' crops), dropout. */
export function tinyVgg(dropout: number): tf.LayersModel {
  seeds(200);
  const input = tf.input({ shape: [14, 14, 3] });
  let x: Sym = input;
  for (const ch of [8, 8]) {
    x = ap(L.conv2d({ ...kernel(), filters: ch, kernelSize: 3, padding: 'same', useBias: false }), x);
    x = ap(L.batchNormalization({ epsilon: 1e-3 }), x);
    x = ap(L.activation({ activation: 'relu' }), x);
  }
  x = ap(L.maxPooling2d({ poolSize: 2 }), x);
  x = ap(L.conv2d({ ...kernel(), filters: 12, kernelSize: 3, padding: 'same', activation: 'relu' }), x);
  x = ap(L.maxPooling2d({ poolSize: 2 }), x); // 7 → 3
  x = ap(L.flatten(), x);
  if (dropout > 0) x = ap(L.dropout({ rate: dropout }), x);
  return tf.model({ inputs: input, outputs: ap(L.dense({ ...kernel(), units: 10 }), x) });
}

/** CIFAR ResNet basic block: 3x3 stride-2 conv + BN, 1x1 stride-2 projection shortcut, add, global average pool. */
export function tinyResnet(): tf.LayersModel {
  seeds(300);
  const input = tf.input({ shape: [12, 12, 3] });
  let x = ap(L.conv2d({ ...kernel(), filters: 8, kernelSize: 3, padding: 'same', useBias: false }), input);
  x = ap(L.activation({ activation: 'relu' }), ap(L.batchNormalization({ epsilon: 1e-3 }), x));
  let y = ap(L.conv2d({ ...kernel(), filters: 16, kernelSize: 3, strides: 2, padding: 'same', useBias: false }), x);
  y = ap(L.activation({ activation: 'relu' }), ap(L.batchNormalization({ epsilon: 1e-3 }), y));
  y = ap(L.conv2d({ ...kernel(), filters: 16, kernelSize: 3, padding: 'same', useBias: false }), y);
  y = ap(L.batchNormalization({ epsilon: 1e-3 }), y);
  const shortcut = ap(L.conv2d({ ...kernel(), filters: 16, kernelSize: 1, strides: 2, useBias: false }), x);
  let z = ap(L.activation({ activation: 'relu' }), ap(L.add(), [y, shortcut]));
  z = ap(L.globalAveragePooling2d({}), z);
  return tf.model({ inputs: input, outputs: ap(L.dense({ ...kernel(), units: 10 }), z) });
}

/** MobileNet-style: strided 3x3 conv, depthwise 3x3 (stride 2 and 1) + pointwise 1x1, BN + ReLU6. */
export function tinyMobilenet(): tf.LayersModel {
  seeds(400);
  const input = tf.input({ shape: [16, 16, 3] });
  const bnRelu6 = (t: Sym): Sym => ap(L.reLU({ maxValue: 6 }), ap(L.batchNormalization({ epsilon: 1e-3 }), t));
  let x = bnRelu6(
    ap(L.conv2d({ ...kernel(), filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false }), input),
  );
  x = bnRelu6(ap(L.depthwiseConv2d({ ...depthwise(), kernelSize: 3, strides: 2, padding: 'same', useBias: false }), x));
  x = bnRelu6(ap(L.conv2d({ ...kernel(), filters: 16, kernelSize: 1, useBias: false }), x));
  x = bnRelu6(
    ap(L.depthwiseConv2d({ ...depthwise(), kernelSize: 3, padding: 'same', depthMultiplier: 2, useBias: false }), x),
  );
  x = ap(L.globalAveragePooling2d({}), x);
  return tf.model({ inputs: input, outputs: ap(L.dense({ ...kernel(), units: 10 }), x) });
}
