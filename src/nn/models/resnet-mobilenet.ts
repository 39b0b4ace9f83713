import * as tf from '@tensorflow/tfjs';
import { bn, conv, convBnRelu, dense, depthwise, globalAvgPool, relu, scaled } from './blocks.js';

/**
 * CIFAR-style ResNet (He et al. 2016, depth `6n + 2`): `conv1` 3x3 (16*width), three stages of
 * `n` basic blocks (16/32/64 channels * width; stride 2 at the first block of stages 2 and 3),
 * global average pool, `fc`. Block convs are `s{stage}b{block}_conv1|conv2`; a shape-changing
 * shortcut is a 1x1 stride-2 projection `s{stage}b1_proj` (option B).
 */
export function resnet(
  inputShape: [number, number, number],
  numClasses: number,
  width: number,
  blocksPerStage: number,
  name: string,
): tf.LayersModel {
  const input = tf.input({ shape: inputShape, name: 'input' });
  let x = convBnRelu(input, 'conv1', scaled(16, width), 3);
  let channels = scaled(16, width);
  for (let s = 1; s <= 3; s++) {
    const out = scaled(16 * 2 ** (s - 1), width);
    for (let b = 1; b <= blocksPerStage; b++) {
      const stride = s > 1 && b === 1 ? 2 : 1;
      const p = `s${s}b${b}`;
      let y = convBnRelu(x, `${p}_conv1`, out, 3, stride);
      y = bn(conv(y, `${p}_conv2`, out, 3, { useBias: false }), `${p}_conv2_bn`);
      let shortcut = x;
      if (stride !== 1 || channels !== out) {
        shortcut = bn(conv(x, `${p}_proj`, out, 1, { strides: stride, useBias: false }), `${p}_proj_bn`);
      }
      x = relu(tf.layers.add({ name: `${p}_add` }).apply([y, shortcut]) as tf.SymbolicTensor, `${p}_relu`);
      channels = out;
    }
  }
  const outLayer = dense(globalAvgPool(x), 'fc', numClasses);
  return tf.model({ inputs: input, outputs: outLayer, name });
}

/**
 * MobileNet-style net (Howard et al. 2017) sized for 28x28/32x32: `conv1` 3x3 (32*width), then
 * depthwise-separable blocks `dw{i}` (3x3 depthwise) + `pw{i}` (1x1 conv), each followed by BN and
 * ReLU, with channels 64, 128, 128, 256, 256 (* width) and stride 2 at blocks 2 and 4; then global
 * average pool and `fc`.
 */
export function mobilenet(inputShape: [number, number, number], numClasses: number, width: number): tf.LayersModel {
  const input = tf.input({ shape: inputShape, name: 'input' });
  let x = convBnRelu(input, 'conv1', scaled(32, width), 3);
  const plan: [number, number][] = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
  ];
  plan.forEach(([ch, stride], i) => {
    const k = i + 1;
    x = relu(bn(depthwise(x, `dw${k}`, 3, stride), `dw${k}_bn`), `dw${k}_relu`);
    x = convBnRelu(x, `pw${k}`, scaled(ch, width), 1);
  });
  const out = dense(globalAvgPool(x), 'fc', numClasses);
  return tf.model({ inputs: input, outputs: out, name: 'mobilenet' });
}
