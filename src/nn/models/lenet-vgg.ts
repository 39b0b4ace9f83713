import * as tf from '@tensorflow/tfjs';
import { conv, convBnRelu, dense, flatten, maxPool, scaled } from './blocks.js';

/**
 * LeNet-5 (LeCun 1998, ReLU + max-pool variant). Layers: `conv1` 5x5x6 ('same' on 28x28 inputs,
 * 'valid' otherwise), `conv2` 5x5x16 'valid', `fc1` 120, `fc2` 84, `fc3` numClasses (logits).
 * `width` scales every channel/unit count.
 */
export function lenet5(inputShape: [number, number, number], numClasses: number, width: number): tf.LayersModel {
  const input = tf.input({ shape: inputShape, name: 'input' });
  let x = conv(input, 'conv1', scaled(6, width), 5, {
    padding: inputShape[0] <= 28 ? 'same' : 'valid',
    activation: 'relu',
  });
  x = maxPool(x, 'pool1');
  x = conv(x, 'conv2', scaled(16, width), 5, { padding: 'valid', activation: 'relu' });
  x = maxPool(x, 'pool2');
  x = flatten(x);
  x = dense(x, 'fc1', scaled(120, width), 'relu');
  x = dense(x, 'fc2', scaled(84, width), 'relu');
  const out = dense(x, 'fc3', numClasses);
  return tf.model({ inputs: input, outputs: out, name: 'lenet5' });
}

/**
 * VGG-style net for 28x28 or 32x32 inputs: three blocks of two 3x3 `conv -> bn -> relu` layers
 * (`conv1`..`conv6`, base channels `32*width`, doubled per block) each followed by a 2x2 max-pool,
 * then `fc1` (`128*width`, ReLU) and `fc2` (logits).
 */
export function vgg(inputShape: [number, number, number], numClasses: number, width: number): tf.LayersModel {
  const input = tf.input({ shape: inputShape, name: 'input' });
  let x: tf.SymbolicTensor = input;
  let layer = 1;
  for (let block = 0; block < 3; block++) {
    const ch = scaled(32 * 2 ** block, width);
    x = convBnRelu(x, `conv${layer++}`, ch, 3);
    x = convBnRelu(x, `conv${layer++}`, ch, 3);
    x = maxPool(x, `pool${block + 1}`);
  }
  x = flatten(x);
  x = dense(x, 'fc1', scaled(128, width), 'relu');
  const out = dense(x, 'fc2', numClasses);
  return tf.model({ inputs: input, outputs: out, name: 'vgg' });
}
