import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/nn/backend/index.js';
import {
  createModel,
  getAllWeights,
  getWeights,
  layerDescriptors,
  loadModelBytes,
  prunableLayers,
  resolvePadding,
  saveModelBytes,
  setWeights,
  type ModelName,
} from '../../../src/nn/index.js';
import { denseMacs } from '../../../src/shared/layer.js';

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

describe('resolvePadding (TF same/valid rules)', () => {
  it.each([
    // [padding, in, k, s, out, before, after]
    ['same', 28, 5, 1, 28, 2, 2],
    ['same', 32, 3, 2, 16, 0, 1],
    ['same', 7, 3, 2, 4, 1, 1],
    ['same', 8, 1, 2, 4, 0, 0],
    ['same', 5, 4, 1, 5, 1, 2],
    ['valid', 14, 5, 1, 10, 0, 0],
    ['valid', 7, 3, 2, 3, 0, 0],
  ] as const)('%s in=%i k=%i s=%i -> out %i, pad %i/%i', (p, inSize, k, s, out, before, after) => {
    expect(resolvePadding(p, inSize, k, s)).toEqual({ out, before, after });
  });
});

describe('model zoo', () => {
  it('lenet5 on [28,28,1] has the classic names and shapes', () => {
    const m = createModel({ name: 'lenet5', inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const d = layerDescriptors(m);
    expect(
      d.map(
        (l) =>
          `${l.name}:${l.kind}:${l.inH}x${l.inW}x${l.inC}->${l.outH}x${l.outW}x${l.outC}:${l.weightShape.join('x')}`,
      ),
    ).toEqual([
      'conv1:conv:28x28x1->28x28x6:5x5x1x6',
      'conv2:conv:14x14x6->10x10x16:5x5x6x16',
      'fc1:fc:1x1x400->1x1x120:400x120',
      'fc2:fc:1x1x120->1x1x84:120x84',
      'fc3:fc:1x1x84->1x1x10:84x10',
    ]);
    expect(d[0]).toMatchObject({
      padTop: 2,
      padBottom: 2,
      padLeft: 2,
      padRight: 2,
      strideH: 1,
      groups: 1,
      hasBias: true,
    });
    expect(denseMacs(d[1]!)).toBe(10 * 10 * 16 * 25 * 6);
    m.dispose();
  });

  it.each([
    ['vgg', [32, 32, 3], 0.5],
    ['resnet8', [32, 32, 3], 1],
    ['resnet20', [32, 32, 3], 0.5],
    ['mobilenet', [28, 28, 1], 0.5],
  ] as const)('%s on %j width %d: descriptors agree with the tfjs output shapes', (name, inputShape, width) => {
    const m = createModel({ name, inputShape: [...inputShape], numClasses: 10, width, seed: 2 });
    const d = layerDescriptors(m);
    expect(d.map((l) => l.name)).toEqual(prunableLayers(m));
    for (const l of d) {
      const outShape = m.getLayer(l.name).outputShape as number[];
      if (l.kind === 'fc') {
        expect(outShape[1]).toBe(l.outC);
      } else {
        expect([outShape[1], outShape[2], outShape[3]]).toEqual([l.outH, l.outW, l.outC]);
        // the padding we report reproduces the output size: out = floor((in + pads - k) / s) + 1
        expect(Math.floor((l.inH + l.padTop + l.padBottom - l.kernelH) / l.strideH) + 1).toBe(l.outH);
      }
    }
    const out = tf.tidy(() => (m.predict(tf.zeros([2, ...inputShape])) as tf.Tensor).shape);
    expect(out).toEqual([2, 10]);
    m.dispose();
  });

  it('resnet20 has 19 convs + 2 projections + fc with stable names; strided 3x3 convs pad 0/1', () => {
    const m = createModel({ name: 'resnet20', inputShape: [32, 32, 3], numClasses: 10, width: 0.25, seed: 1 });
    const names = prunableLayers(m);
    expect(names.length).toBe(22);
    expect(names.slice(0, 4)).toEqual(['conv1', 's1b1_conv1', 's1b1_conv2', 's1b2_conv1']);
    expect(names).toContain('s2b1_proj');
    expect(names.at(-1)).toBe('fc');
    const s2 = layerDescriptors(m).find((l) => l.name === 's2b1_conv1');
    expect(s2).toMatchObject({
      inH: 32,
      outH: 16,
      strideH: 2,
      padTop: 0,
      padBottom: 1,
      padLeft: 0,
      padRight: 1,
      hasBias: false,
    });
    m.dispose();
  });

  it('mobilenet reports depthwise layers with groups = inC and [kh,kw,inC,1] weights', () => {
    const m = createModel({ name: 'mobilenet', inputShape: [32, 32, 3], numClasses: 10, width: 0.25, seed: 1 });
    const dw2 = layerDescriptors(m).find((l) => l.name === 'dw2');
    expect(dw2).toMatchObject({
      kind: 'depthwise',
      inC: 16,
      outC: 16,
      groups: 16,
      weightShape: [3, 3, 16, 1],
      strideH: 2,
      outH: 16,
    });
    m.dispose();
  });

  it('same seed gives identical weights, another seed differs; He-uniform bounds hold', () => {
    const a = getWeights(createModel({ name: 'vgg', inputShape: [28, 28, 1], numClasses: 10, width: 0.25, seed: 5 }));
    const b = getWeights(createModel({ name: 'vgg', inputShape: [28, 28, 1], numClasses: 10, width: 0.25, seed: 5 }));
    const c = getWeights(createModel({ name: 'vgg', inputShape: [28, 28, 1], numClasses: 10, width: 0.25, seed: 6 }));
    expect([...a.keys()]).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'conv6', 'fc1', 'fc2']);
    expect(a.get('conv3')).toEqual(b.get('conv3'));
    expect(a.get('conv3')).not.toEqual(c.get('conv3'));
    const w = a.get('conv2')!; // [3,3,8,8]: limit sqrt(6 / 72)
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 72));
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.8 * Math.sqrt(6 / 72));
  });

  it('setWeights / getWeights and saveModelBytes / loadModelBytes round-trip exactly', () => {
    const m = createModel({ name: 'lenet5', inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const w = getWeights(m);
    const conv1 = Float32Array.from(w.get('conv1')!, (_, i) => i / 1000);
    setWeights(m, new Map([['conv1', conv1]]));
    expect(getWeights(m).get('conv1')).toEqual(conv1);
    const bytes = saveModelBytes(m);
    const m2 = createModel({ name: 'lenet5', inputShape: [28, 28, 1], numClasses: 10, seed: 99 });
    loadModelBytes(m2, bytes);
    const all1 = getAllWeights(m);
    const all2 = getAllWeights(m2);
    expect([...all2.keys()]).toEqual([...all1.keys()]);
    for (const [k, v] of all1) expect(all2.get(k)?.data).toEqual(v.data);
    expect(() => setWeights(m, new Map([['conv1', new Float32Array(3)]]))).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: setWeights: layer "conv1" needs 150 values [5,5,1,6], got 3]`,
    );
    expect(() => loadModelBytes(m2, new Uint8Array(20))).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: weights: not a valid hwsweep weights/checkpoint file (bad magic)]`,
    );
  });

  it('rejects an unknown model name and bad options with clear errors', () => {
    expect(() =>
      createModel({ name: 'alexnet' as ModelName, inputShape: [28, 28, 1], numClasses: 10, seed: 1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: unknown model "alexnet" (known: lenet5, vgg, resnet8, resnet20, mobilenet)]`,
    );
    expect(() =>
      createModel({ name: 'vgg', inputShape: [28, 28, 1], numClasses: 1, seed: 1 }),
    ).toThrowErrorMatchingInlineSnapshot(`[HwsweepError: createModel: numClasses = 1 is not an integer >= 2]`);
    expect(() =>
      createModel({ name: 'lenet5', inputShape: [8, 8, 1], numClasses: 10, seed: 1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: createModel: inputShape = [8,8,1] is not at least 16x16 for lenet5]`,
    );
  });
});
