import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createModel, kernelGradients, makeSynthetic, prunableLayers, kernelShape, trainModel } from '../../src/nn/index.js';
import type { Masks, ModelName, TrainOptions } from '../../src/nn/index.js';
import { Rng } from '../../src/shared/rng.js';
import { RELU_GRAD } from '../../src/nn/backend/native-kernels.js';
import { randomValues, relError } from '../unit/nn-kernels/helpers.js';
import { tolerance, useNative } from './helpers.js';

interface Input {
  shape: number[];
  dtype: tf.DataType;
  values: tf.TypedArray;
}

/**
 * Every kernel the trainer runs, checked against the cpu backend. Instead of a hand-written list, the kernels are
 * recorded: the cpu backend's kernels are wrapped, the real training loop (`trainModel` with masks, frozen weights,
 * SGD and Adam, per-epoch evaluation), `evaluate` and `kernelGradients` run on each zoo architecture, and every
 * distinct call (kernel, input shapes and dtypes, attributes) is kept with its inputs and cpu outputs. Each one is
 * then replayed on the native backend and its outputs compared.
 */
interface Call {
  kernel: string;
  /** Named inputs, or a list for kernels that take one (Pack, Concat, AddN). */
  inputs: Record<string, Input> | Input[];
  attrs: tf.NamedAttrMap;
  outputs: { shape: number[]; values: tf.TypedArray }[];
}

const MODELS: { name: ModelName; shape: [number, number, number]; width: number }[] = [
  { name: 'lenet5', shape: [28, 28, 1], width: 0.5 },
  { name: 'vgg', shape: [16, 16, 3], width: 0.25 },
  { name: 'resnet8', shape: [16, 16, 3], width: 0.5 },
  { name: 'mobilenet', shape: [16, 16, 3], width: 0.25 },
];

function randomMasks(model: tf.LayersModel, seed: number, keep: number): Masks {
  const rng = new Rng(seed);
  const masks: Masks = new Map();
  for (const layer of prunableLayers(model)) {
    const n = kernelShape(model, layer).reduce((a, b) => a * b, 1);
    masks.set(layer, Uint8Array.from({ length: n }, () => (rng.next() < keep ? 1 : 0)));
  }
  return masks;
}

/** Runs the trainer's code paths on the cpu backend with every cpu kernel wrapped; returns the distinct calls. */
async function recordTrainerKernels(): Promise<Call[]> {
  await tf.setBackend('cpu');
  const cpu = tf.backend();
  const read = (t: tf.TensorInfo): tf.TypedArray => cpu.readSync(t.dataId) as tf.TypedArray;
  const calls = new Map<string, Call>();
  const originals = tf.getKernelsForBackend('cpu');
  for (const k of originals) {
    tf.unregisterKernel(k.kernelName, 'cpu');
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        const out = k.kernelFunc(args);
        const named = Object.entries(args.inputs).filter((e): e is [string, tf.TensorInfo] => e[1] !== undefined && e[1] !== null);
        const key = `${k.kernelName} ${named.map(([n, t]) => `${n}:${t.dtype}[${t.shape.join(',')}]`).join(' ')} ${JSON.stringify(args.attrs ?? {})}`;
        if (!calls.has(key)) {
          const outs = (Array.isArray(out) ? out : [out]) as tf.TensorInfo[];
          const copy = (t: tf.TensorInfo): Input => ({ shape: [...t.shape], dtype: t.dtype, values: read(t).slice() });
          calls.set(key, {
            kernel: k.kernelName,
            inputs: Array.isArray(args.inputs)
              ? (args.inputs as tf.TensorInfo[]).map(copy)
              : Object.fromEntries(named.map(([n, t]) => [n, copy(t)])),
            attrs: structuredClone(args.attrs ?? {}),
            outputs: outs.map((t) => ({ shape: [...t.shape], values: read(t).slice() })),
          });
        }
        return out;
      },
    });
  }
  try {
    for (const m of MODELS) {
      // One batch of 16 per epoch: the pure-JS cpu backend is slow, and a second batch adds no new kernel.
      const data = makeSynthetic({ seed: 5, train: 16, test: 16, shape: m.shape, numClasses: 10 });
      // Adam's update runs the same element-wise kernels whatever the model: once is enough.
      for (const optimizer of m.name === 'lenet5' ? (['sgd', 'adam'] as const) : (['sgd'] as const)) {
        const model = createModel({ name: m.name, inputShape: m.shape, numClasses: 10, width: m.width, seed: 1 });
        const masks = randomMasks(model, 2, 0.6);
        const first = prunableLayers(model)[0]!;
        const frozen: Masks = new Map([[first, randomMasks(model, 3, 0.5).get(first)!]]);
        const opts: TrainOptions = {
          epochs: 1,
          batchSize: 16,
          optimizer,
          lr: 0.01,
          momentum: 0.9,
          weightDecay: 1e-4,
          schedule: { kind: 'constant' },
          seed: 1,
          masks,
          frozen,
          evalEachEpoch: true,
        };
        await trainModel(model, data, opts); // evalEachEpoch: evaluate's kernels too
        await kernelGradients(model, data.test, { batchSize: 16 });
        model.dispose();
      }
    }
  } finally {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, 'cpu');
      tf.registerKernel(k);
    }
  }
  return [...calls.values()];
}

/** Runs one recorded call on the active backend and returns its outputs' shapes and values. */
async function replay(call: Call): Promise<{ shape: number[]; values: tf.TypedArray }[]> {
  const make = (t: Input): tf.Tensor => tf.tensor(t.values, t.shape, t.dtype);
  const inputs = Array.isArray(call.inputs)
    ? call.inputs.map(make)
    : Object.fromEntries(Object.entries(call.inputs).map(([n, t]) => [n, make(t)]));
  const out = tf.engine().runKernel(call.kernel, inputs as unknown as tf.NamedTensorMap, call.attrs) as tf.Tensor | tf.Tensor[];
  const outs = Array.isArray(out) ? out : [out];
  const res = await Promise.all(outs.map(async (t) => ({ shape: [...t.shape], values: (await t.data()) as tf.TypedArray })));
  tf.dispose([...Object.values(inputs), ...outs]);
  return res;
}

const calls = await recordTrainerKernels();
const byKernel = new Map<string, Call[]>();
for (const c of calls) byKernel.set(c.kernel, [...(byKernel.get(c.kernel) ?? []), c]);

describe('the trainer\'s kernels on the native backend match the cpu backend', () => {
  it('recording saw the training kernels of every zoo layer type', () => {
    for (const k of [
      'Conv2D',
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'DepthwiseConv2dNative',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'FusedBatchNorm',
      'MaxPool',
      'MaxPoolGrad',
      'Mean',
      'BatchMatMul',
    ]) {
      expect({ kernel: k, recorded: byKernel.has(k) }).toEqual({ kernel: k, recorded: true });
    }
    expect(byKernel.size).toBeGreaterThan(30);
  });

  for (const [kernel, list] of [...byKernel].sort(([a], [b]) => a.localeCompare(b))) {
    it(`${kernel}: ${list.length} distinct call${list.length === 1 ? '' : 's'} agree`, async () => {
      await useNative();
      const tol = tolerance();
      for (const call of list) {
        const got = await replay(call);
        const where = `${kernel} ${Object.values(call.inputs).map((t: Input) => `[${t.shape.join(',')}]`).join(' ')} ${JSON.stringify(call.attrs)}`;
        expect({ where, outputs: got.length }).toEqual({ where, outputs: call.outputs.length });
        call.outputs.forEach((ref, i) => {
          expect({ where, shape: got[i]!.shape }).toEqual({ where, shape: ref.shape });
          const err = relError(ref.values, got[i]!.values);
          expect({ where, output: i, err: err <= tol ? 'ok' : err }).toEqual({ where, output: i, err: 'ok' });
        });
      }
    });
  }
});

describe("hwsweep's native fast paths (src/nn/backend/native-kernels.ts)", () => {
  const x = Float32Array.from(randomValues(6 * 5 * 4 * 3, 21), (v, i) => (i % 7 === 0 ? 0 : v)); // zeros included
  const dy = randomValues(x.length, 22);
  const shape = [6, 5, 4, 3];

  it(`${RELU_GRAD} on TensorFlow (its fused ReluGrad) equals tfjs's dy * step(x) on cpu`, async () => {
    const run = (): tf.Tensor => tf.engine().runKernel(RELU_GRAD, { dy: tf.tensor(dy, shape), x: tf.tensor(x, shape) }) as tf.Tensor;
    await tf.setBackend('cpu');
    const ref = await run().data();
    await useNative();
    expect(relError(ref, await run().data())).toBe(0);
  });

  it('the ReLU gradient runs through it, with the same values', async () => {
    const grad = (): tf.Tensor => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor(dy, shape))))(tf.tensor(x, shape));
    await tf.setBackend('cpu');
    const ref = await grad().data();
    await useNative();
    expect(relError(ref, await grad().data())).toBe(0);
  });

  it('Step keeps NaN as NaN, maps -0 and 0 to 0, and defers other alphas to tfjs-node', async () => {
    await useNative();
    expect(Array.from(await tf.step(tf.tensor([NaN, -1, -0, 0, 2e-30, 3])).data())).toEqual([NaN, 0, 0, 0, 1, 1]);
    expect(Array.from(await tf.step(tf.tensor([-2, 0, 5]), 0.25).data())).toEqual([0.25, 0.25, 1]);
  });
});
