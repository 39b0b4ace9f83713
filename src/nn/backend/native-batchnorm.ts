/**
 * Batch normalisation in training mode as TensorFlow's fused kernels, on the native backend only.
 *
 * tfjs-layers trains a BatchNormalization layer as `moments` (two reductions, a subtraction, a square) plus
 * `batchNorm`, and differentiates that graph op by op: about fifteen full-size temporaries per layer and step. On
 * the native backend {@link useFusedBatchNorm} makes the model's BN layers run TensorFlow's `FusedBatchNormV3`
 * (`is_training`) forward and `FusedBatchNormGradV3` backward instead: one op each way, the same math (batch mean,
 * biased batch variance, the full gradient through the batch statistics). The moving averages are updated with
 * tfjs's formula and tfjs's (biased) variance, so a checkpoint is the same whichever backend wrote it. On any other
 * backend, for inference, and for layouts other than NHWC with both `center` and `scale`, the layer runs tfjs's own
 * code. Measured on the VGG-style net, 1 thread: 210 -> ~395 training images per CPU-second (README, Training speed).
 */
import * as tf from '@tensorflow/tfjs';

const FORWARD = 'HwsweepFusedBatchNormTrain';
const BACKWARD = 'HwsweepFusedBatchNormGrad';
const NATIVE = 'tensorflow';

/** What the kernels use of tfjs-node's backend (`NodeJSKernelBackend`). */
interface NodeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_FLOAT: number };
  executeMultipleOutputs(op: string, attrs: unknown[], inputs: tf.TensorInfo[], numOutputs: number): tf.Tensor[];
}

function attrs(b: NodeBackend, epsilon: number): unknown[] {
  const { TF_ATTR_TYPE, TF_ATTR_FLOAT, TF_ATTR_STRING, TF_ATTR_BOOL, TF_FLOAT } = b.binding;
  return [
    { name: 'T', type: TF_ATTR_TYPE, value: TF_FLOAT },
    { name: 'U', type: TF_ATTR_TYPE, value: TF_FLOAT },
    { name: 'epsilon', type: TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: TF_ATTR_BOOL, value: true },
  ];
}

let registered = false;
function registerKernels(): void {
  if (registered) return;
  registered = true;
  // x `[n, h, w, c]`, scale and offset `[c]` -> y, batch mean `[c]`, batch variance `[c]` (unbiased, TensorFlow's
  // choice for running averages), 3 reserve tensors for the gradient.
  tf.registerKernel({
    kernelName: FORWARD,
    backendName: NATIVE,
    kernelFunc: ({ inputs, backend, attrs: a }) => {
      const { x, scale, offset } = inputs as Record<string, tf.TensorInfo>;
      const b = backend as unknown as NodeBackend;
      const empty = tf.tensor1d([], 'float32');
      const attr = [...attrs(b, (a as { epsilon: number }).epsilon), { name: 'exponential_avg_factor', type: b.binding.TF_ATTR_FLOAT, value: 1 }];
      const out = b.executeMultipleOutputs('FusedBatchNormV3', attr, [x!, scale!, offset!, empty, empty], 6);
      empty.dispose();
      return out;
    },
  });
  // dy, x, scale, the 3 reserve tensors -> dx `[n, h, w, c]`, dscale `[c]`, doffset `[c]` (+2 unused).
  tf.registerKernel({
    kernelName: BACKWARD,
    backendName: NATIVE,
    kernelFunc: ({ inputs, backend, attrs: a }) => {
      const { dy, x, scale, r1, r2, r3 } = inputs as Record<string, tf.TensorInfo>;
      const b = backend as unknown as NodeBackend;
      return b.executeMultipleOutputs('FusedBatchNormGradV3', attrs(b, (a as { epsilon: number }).epsilon), [dy!, x!, scale!, r1!, r2!, r3!], 5);
    },
  });
}

/** The members of tfjs-layers' BatchNormalization that the training path reads. */
interface BatchNormLayer extends tf.layers.Layer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

const PATCHED = Symbol('hwsweep.fusedBatchNorm');

/**
 * Training-mode BN through the fused kernels: returns y `[n, h, w, c]` and updates the layer's moving statistics.
 * Gradients flow to x, gamma and beta through `FusedBatchNormGradV3`.
 */
function fusedTraining(layer: BatchNormLayer, x: tf.Tensor4D): tf.Tensor {
  const epsilon = layer.epsilon;
  let stats: tf.Tensor[] = [];
  const bn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const outs = tf.engine().runKernel(FORWARD, { x: input, scale: gamma, offset: beta }, { epsilon }) as unknown as tf.Tensor[];
    const [y, mean, variance, r1, r2, r3] = outs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    stats = [tf.keep(mean), tf.keep(variance)];
    save([input, gamma, r1, r2, r3]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, g, s1, s2, s3] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const grads = tf.engine().runKernel(BACKWARD, { dy, x: xs, scale: g, r1: s1, r2: s2, r3: s3 }, { epsilon }) as unknown as tf.Tensor[];
        return grads.slice(0, 3);
      },
    };
  });
  const y = bn(x, layer.gamma.read(), layer.beta.read());
  const [mean, unbiased] = stats;
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  tf.tidy(() => {
    // tfjs's update, `moving -= (moving - batch) * (1 - momentum)`, with tfjs's biased batch variance.
    const update = (v: tf.LayerVariable, batch: tf.Tensor): void => {
      const old = v.read();
      v.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - layer.momentum)));
    };
    update(layer.movingMean, mean!);
    update(layer.movingVariance, n > 1 ? tf.mul(unbiased!, (n - 1) / n) : unbiased!);
  });
  tf.dispose(stats);
  return y;
}

/**
 * Makes `model`'s BatchNormalization layers train through TensorFlow's fused kernels whenever the native backend
 * is active (checked at every call, so the same model still trains on wasm). Idempotent.
 */
export function useFusedBatchNorm(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const bnLayer = layer as BatchNormLayer & { [PATCHED]?: true };
    if (bnLayer[PATCHED]) continue;
    bnLayer[PATCHED] = true;
    const original = bnLayer.call.bind(bnLayer);
    bnLayer.call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] => {
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      const fusable =
        kwargs['training'] === true &&
        tf.getBackend() === NATIVE &&
        input?.rank === 4 &&
        input.dtype === 'float32' &&
        (bnLayer.axis === -1 || bnLayer.axis === 3) &&
        bnLayer.center &&
        bnLayer.scale;
      if (!fusable) return original(inputs, kwargs);
      registerKernels();
      return tf.tidy(() => fusedTraining(bnLayer, input as tf.Tensor4D));
    };
  }
}
