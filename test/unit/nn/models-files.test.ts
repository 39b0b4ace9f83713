import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMaskStatsCache, resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import { pruneModel } from '../../../src/compress/index.js';
import { clusterModel, quantizeModel, sampleSplit } from '../../../src/compress/model.js';
import { initBackend } from '../../../src/nn/backend/index.js';
import {
  buildFileModel,
  decodeModelFiles,
  encodeModelFiles,
  inspectModelFile,
  readModelFiles,
  saveLayersModel,
  type ModelFiles,
} from '../../../src/nn/io/index.js';
import {
  DATASET_FACTS,
  evaluate,
  getAllWeights,
  getWeights,
  initAllWeights,
  layerDescriptors,
  makeSynthetic,
  SUPPORTED_LAYERS,
  trainModel,
} from '../../../src/nn/index.js';
import { denseMacs, type LayerDescriptor } from '../../../src/shared/layer.js';

const FIXTURES = 'test/fixtures/models';
const fixture = (name: string): string => join(FIXTURES, name, 'model.json');

interface Expected {
  labels: number[];
  images: number[];
  logits: number[][];
  kerasTestAccuracy: number;
}
const expected = (name: string): Expected =>
  JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;

/** The fixture's topology with `edit` applied to a deep copy (weights unchanged). */
function edited(
  files: ModelFiles,
  edit: (layers: { class_name: string; config: Record<string, unknown> }[]) => void,
): ModelFiles {
  const topology = structuredClone(files.topology) as { model_config: { config: { layers: never[] } } };
  edit(topology.model_config.config.layers);
  return { ...files, topology };
}

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

describe('model files converted from Keras (tensorflowjs_converter)', () => {
  it.each(['keras-seq', 'keras-residual'])('%s gives the logits Keras computed for 8 test images', async (name) => {
    const e = expected(name);
    const built = await buildFileModel(readModelFiles(fixture(name)), name);
    try {
      expect(built.inputShape).toEqual([28, 28, 1]);
      expect(built.numClasses).toBe(10);
      expect(built.removedSoftmax).toBe('fc_out'); // hwsweep works on logits
      const x = tf.tensor4d(
        Float32Array.from(e.images, (v) => v / 255),
        [8, 28, 28, 1],
      );
      const y = built.model.predict(x) as tf.Tensor;
      const got = (await y.array()) as number[][];
      tf.dispose([x, y]);
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(e.logits[i]?.[j] ?? NaN, 3)));
    } finally {
      built.model.dispose();
    }
  });

  it('keras-seq descriptors: ZeroPadding feeds a valid stride-2 conv, pooling and flatten shape the dense input', async () => {
    const { model } = await buildFileModel(readModelFiles(fixture('keras-seq')), 'keras-seq');
    const d = layerDescriptors(model);
    model.dispose();
    const pick = (l: LayerDescriptor) => [
      l.name,
      l.kind,
      l.inH,
      l.inW,
      l.inC,
      l.outC,
      l.kernelH,
      l.strideH,
      l.padTop,
      l.padBottom,
      l.outH,
      l.groups,
    ];
    // Hand-computed: pad 1 -> 30x30; conv 3x3/2 valid -> floor((30-3)/2)+1 = 14; maxpool 2 -> 7; depthwise same -> 7;
    // 1x1 conv -> 7x7x16; avgpool 2 -> 3x3x16 = 144 flat; dense 144 -> 24 -> 10.
    expect(d.map(pick)).toEqual([
      ['conv_a', 'conv', 30, 30, 1, 8, 3, 2, 0, 0, 14, 1],
      ['dw_b', 'depthwise', 7, 7, 8, 8, 3, 1, 1, 1, 7, 8],
      ['pw_b', 'conv', 7, 7, 8, 16, 1, 1, 0, 0, 7, 1],
      ['fc_a', 'fc', 1, 1, 144, 24, 1, 1, 0, 0, 1, 1],
      ['fc_out', 'fc', 1, 1, 24, 10, 1, 1, 0, 0, 1, 1],
    ]);
    expect(d.map((l) => denseMacs(l))).toEqual([14 * 14 * 8 * 9, 7 * 7 * 8 * 9, 7 * 7 * 16 * 8, 144 * 24, 24 * 10]);
  });

  it('keras-residual descriptors: both branches of the residual add and the strided same-padded conv', async () => {
    const { model } = await buildFileModel(readModelFiles(fixture('keras-residual')), 'keras-residual');
    const d = layerDescriptors(model);
    model.dispose();
    expect(d.map((l) => [l.name, l.inH, l.inC, l.outC, l.outH, l.padTop, l.padBottom, l.hasBias])).toEqual([
      ['stem', 28, 1, 8, 28, 1, 1, false],
      ['res_conv1', 14, 8, 8, 14, 1, 1, false],
      ['res_conv2', 14, 8, 8, 14, 1, 1, false],
      // same, stride 2 on 14: out 7, total pad (7-1)*2+3-14 = 1, the extra pixel at the bottom (TF rule).
      ['down', 14, 8, 16, 7, 0, 1, true],
      ['fc_out', 1, 16, 10, 1, 0, 0, true],
    ]);
  });

  it('pruning, quantization, clustering and simulation run on the residual model file', async () => {
    const { model } = await buildFileModel(readModelFiles(fixture('keras-residual')), 'keras-residual');
    try {
      const layers = layerDescriptors(model);
      const pruned = pruneModel(
        { layers, weights: getWeights(model) },
        { method: 'group-balanced', ratio: 0.5, groupSize: 4 },
      );
      const skipped = new Set(pruned.report.layers.filter((r) => r.skipped).map((r) => r.name));
      expect([...skipped]).toEqual(['stem']); // inC = 1 < g: left dense (narrow-conv policy skip)
      for (const l of layers) {
        const kept = pruned.masks.get(l.name)?.reduce((a, b) => a + b, 0);
        const total = l.weightShape.reduce((a, b) => a * b, 1);
        // group-balanced g=4, p=2: exactly half of every group is kept (every input-channel count here is a multiple of 4).
        expect(kept ?? total, l.name).toBe(skipped.has(l.name) ? total : total / 2);
      }
      const data = makeSynthetic({ seed: 1, train: 32, test: 8, shape: [28, 28, 1], numClasses: 10 });
      const calib = sampleSplit(data.train, 16, 1);
      const q = await quantizeModel(model, {
        weights: { bits: 4 },
        activations: { bits: 8, threshold: 'max' },
        calibration: calib,
        seed: 1,
      });
      for (const [name, codes] of q.weightCodes)
        for (const c of codes) expect(Math.abs(c), name).toBeLessThanOrEqual(8);
      const c = await clusterModel(model, { k: 4, seed: 1 });
      for (const ct of c.weights.values()) expect(ct.codebooks[0]?.length).toBeLessThanOrEqual(4);
      expect((await evaluate(model, data.test, { transforms: q.transforms })).accuracy).toBeGreaterThanOrEqual(0);
      const report = simulateNetwork(
        layers,
        new Map([...pruned.masks].map(([n, mask]) => [n, { mask }])),
        resolveHardware('kang-cx'),
        {
          cache: createMaskStatsCache(),
        },
      );
      expect(report.layers.map((l) => l.name)).toEqual(layers.map((l) => l.name));
      expect(report.totals.denseMacs).toBe(layers.reduce((a, l) => a + denseMacs(l), 0));
      expect(report.totals.usefulMacs).toBeLessThan(report.totals.denseMacs);
    } finally {
      model.dispose();
    }
  });
});

/**
 * A tfjs model using every supported layer class at least once (the Keras fixtures lack some), for 16x16x1 inputs
 * and 4 classes (the synthetic set): two branches (Concatenate, Add), every pooling kind, a softmax output layer.
 */
function everyLayerModel(): tf.LayersModel {
  const L = tf.layers;
  const x = tf.input({ shape: [16, 16, 1], name: 'image' });
  const scaled = L.rescaling({ scale: 2, offset: -1, name: 'scale' }).apply(x) as tf.SymbolicTensor;
  const padded = L.zeroPadding2d({ padding: 1, name: 'pad' }).apply(scaled) as tf.SymbolicTensor;
  const c1 = L.conv2d({ filters: 4, kernelSize: 3, name: 'c1', activation: 'relu6' }).apply(
    padded,
  ) as tf.SymbolicTensor;
  const bn = L.batchNormalization({ name: 'bn' }).apply(c1) as tf.SymbolicTensor;
  const a = L.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2, name: 'dw' }).apply(
    bn,
  ) as tf.SymbolicTensor;
  const b = L.conv2d({ filters: 4, kernelSize: 1, name: 'pw', activation: 'tanh' }).apply(bn) as tf.SymbolicTensor;
  const cat = L.concatenate({ name: 'cat' }).apply([
    a,
    L.activation({ activation: 'sigmoid', name: 'sig' }).apply(b) as tf.SymbolicTensor,
  ]) as tf.SymbolicTensor;
  const c2 = L.conv2d({ filters: 12, kernelSize: 3, padding: 'same', name: 'c2' }).apply(cat) as tf.SymbolicTensor;
  const sum = L.add({ name: 'sum' }).apply([cat, c2]) as tf.SymbolicTensor;
  const act = L.reLU({ maxValue: 6, name: 'relu' }).apply(sum) as tf.SymbolicTensor;
  const mp = L.maxPooling2d({ poolSize: 2, name: 'mp' }).apply(act) as tf.SymbolicTensor;
  const ap = L.averagePooling2d({ poolSize: 2, name: 'ap' }).apply(mp) as tf.SymbolicTensor;
  const gap = L.globalAveragePooling2d({ name: 'gap' }).apply(ap) as tf.SymbolicTensor;
  const gmp = L.globalMaxPooling2d({ name: 'gmp' }).apply(ap) as tf.SymbolicTensor;
  const both = L.concatenate({ name: 'pools' }).apply([gap, gmp]) as tf.SymbolicTensor;
  const r = L.reshape({ targetShape: [2, 12], name: 'reshape' }).apply(both) as tf.SymbolicTensor;
  const flat = L.flatten({ name: 'flat' }).apply(r) as tf.SymbolicTensor;
  const drop = L.dropout({ rate: 0.1, name: 'drop' }).apply(flat) as tf.SymbolicTensor;
  const fc = L.dense({ units: 4, name: 'fc' }).apply(drop) as tf.SymbolicTensor;
  const out = L.softmax({ name: 'probs' }).apply(fc) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: out, name: 'every_layer' });
}

describe('every supported layer type', () => {
  it('loads from files, gets compute descriptors, trains one epoch and evaluates on the worker backend', async () => {
    const source = everyLayerModel();
    const classes = new Set(source.layers.map((l) => l.getClassName()));
    expect([...classes].sort()).toEqual(Object.keys(SUPPORTED_LAYERS).sort()); // the model covers the whole list
    const dir = mkdtempSync(join(tmpdir(), 'every-'));
    await saveLayersModel(source, dir);
    source.dispose();
    const built = await buildFileModel(readModelFiles(join(dir, 'model.json')), 'every');
    expect(built.removedSoftmax).toBe('probs');
    const d = layerDescriptors(built.model);
    expect(d.map((l) => [l.name, l.kind, l.inH, l.inC, l.outC, l.outH])).toEqual([
      ['c1', 'conv', 18, 1, 4, 16], // after ZeroPadding2D(1): 18x18, valid 3x3
      ['pw', 'conv', 16, 4, 4, 16], // tfjs's topological order of the two branches
      ['dw', 'depthwise', 16, 4, 8, 16], // depth multiplier 2
      ['c2', 'conv', 16, 12, 12, 16], // input: concatenation of 8 + 4 channels
      ['fc', 'fc', 1, 24, 4, 1], // [gap 12 | gmp 12] -> reshape [2, 12] -> flatten 24
    ]);
    const data = makeSynthetic({ seed: 2, train: 128, test: 64 });
    initAllWeights(built.model, 1);
    const { history } = await trainModel(built.model, data, {
      epochs: 1,
      batchSize: 32,
      optimizer: 'sgd',
      lr: 0.05,
      schedule: { kind: 'constant' },
      seed: 1,
    });
    expect(Number.isFinite(history[0]?.loss)).toBe(true);
    const { accuracy } = await evaluate(built.model, data.test);
    expect(accuracy).toBeGreaterThanOrEqual(0);
    built.model.dispose();
  });
});

describe('model file checks', () => {
  it('names every unsupported layer and its type in one error', async () => {
    const files = edited(readModelFiles(fixture('keras-seq')), (ls) => {
      ls[5]!.class_name = 'SeparableConv2D';
      ls[9]!.class_name = 'LSTM';
    });
    await expect(buildFileModel(files, 'net/model.json')).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: net/model.json: unsupported layers "dw_b" (SeparableConv2D), "flat" (LSTM); supported layer types: InputLayer, Conv2D, DepthwiseConv2D, Dense, BatchNormalization, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Add, Concatenate, Flatten, Reshape, ZeroPadding2D, Activation, ReLU, Softmax, Dropout, Rescaling (see docs/models.md)]`,
    );
  });

  it('refuses configs the descriptors cannot express (dilation, leaky ReLU, inner softmax)', async () => {
    const files = edited(readModelFiles(fixture('keras-residual')), (ls) => {
      ls.find((l) => l.config['name'] === 'res_conv1')!.config['dilation_rate'] = [2, 2];
      ls.find((l) => l.config['name'] === 'stem_relu')!.config['negative_slope'] = 0.1;
      ls.find((l) => l.config['name'] === 'down')!.config['activation'] = 'softmax';
    });
    await expect(buildFileModel(files, 'r')).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: r: unsupported layer config: "stem_relu" (ReLU) has negative_slope = 0.1 (only 0); "res_conv1" (Conv2D) has dilation_rate [2,2] (only 1); "down" (Conv2D) applies softmax inside the network (only the output layer may)]`,
    );
  });

  it('names the model, the dataset and both geometries when they do not fit', async () => {
    await expect(inspectModelFile(fixture('keras-seq'), ['fashion-mnist', 'cifar10'])).rejects.toThrow(
      /keras-seq\/model\.json: the model takes \[28, 28, 1\] images and predicts 10 classes, but dataset cifar10 has \[32, 32, 3\] images and 10 classes/,
    );
    const { shape, numClasses } = DATASET_FACTS.synthetic;
    expect({ shape, numClasses }).toEqual({ shape: [16, 16, 1], numClasses: 4 });
    await expect(inspectModelFile(fixture('keras-seq'), ['synthetic'])).rejects.toThrow(
      /dataset synthetic has \[16, 16, 1\] images and 4 classes/,
    );
  });

  it('a missing weight shard or a short one is a clear error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'byo-'));
    const json = JSON.parse(readFileSync(fixture('keras-seq'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    expect(() => readModelFiles(join(dir, 'model.json'))).toThrow(
      /cannot read weight shard .*group1-shard1of1\.bin \(ENOENT\)/,
    );
    writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(10));
    expect(() => readModelFiles(join(dir, 'model.json'))).toThrow(
      /the weight shards hold 10 bytes but weightsManifest describes 16232/,
    );
    expect(() => readModelFiles(join(dir, 'nope.json'))).toThrow(/cannot read model file .*nope\.json \(ENOENT\)/);
  });
});

describe('model file identity and storage', () => {
  it('the content hash changes with one weight byte and survives the artifact round trip', () => {
    const files = readModelFiles(fixture('keras-seq'));
    expect(files.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readModelFiles(fixture('keras-seq')).sha256).toBe(files.sha256);
    const back = decodeModelFiles(encodeModelFiles(files));
    expect(back.sha256).toBe(files.sha256);
    expect(Buffer.from(back.weightData).equals(Buffer.from(files.weightData))).toBe(true);
    const flipped = Uint8Array.from(files.weightData);
    flipped[100] = (flipped[100] ?? 0) ^ 1;
    const bytes = encodeModelFiles({ ...files, weightData: flipped });
    expect(() => decodeModelFiles(bytes)).toThrow(/is corrupt/);
  });

  it('saveLayersModel writes files that read back to the same weights', async () => {
    const { model } = await buildFileModel(readModelFiles(fixture('keras-residual')), 'r');
    const dir = mkdtempSync(join(tmpdir(), 'byo-save-'));
    const sizes = await saveLayersModel(model, dir);
    expect(sizes['weights.bin']).toBe(readFileSync(join(dir, 'weights.bin')).byteLength);
    const again = await buildFileModel(readModelFiles(join(dir, 'model.json')), 'again');
    const a = getAllWeights(model);
    const b = getAllWeights(again.model);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, w] of a) expect(Array.from(b.get(k)?.data ?? [])).toEqual(Array.from(w.data));
    expect(again.removedSoftmax).toBeUndefined(); // already logits
    model.dispose();
    again.model.dispose();
  });

  it('initAllWeights gives a seeded fresh start: kernels He-uniform, biases 0, BN gamma 1 beta 0 mean 0 var 1', async () => {
    const build = async () => (await buildFileModel(readModelFiles(fixture('keras-residual')), 'r')).model;
    const [m1, m2] = [await build(), await build()];
    initAllWeights(m1, 7);
    initAllWeights(m2, 7);
    const w1 = getAllWeights(m1);
    expect([...w1].map(([k, w]) => [k, Array.from(w.data)])).toEqual(
      [...getAllWeights(m2)].map(([k, w]) => [k, Array.from(w.data)]),
    );
    for (const [k, w] of w1) {
      if (/\/(gamma|moving_variance)$/.test(k)) expect(new Set(w.data), k).toEqual(new Set([1]));
      else if (/\/(beta|moving_mean|bias)$/.test(k)) expect(new Set(w.data), k).toEqual(new Set([0]));
      else {
        const fanIn = w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
        const limit = Math.sqrt(6 / fanIn);
        expect(Math.max(...Array.from(w.data, Math.abs)), k).toBeLessThanOrEqual(limit);
        expect(new Set(w.data).size, k).toBeGreaterThan(w.data.length / 2);
      }
    }
    m1.dispose();
    m2.dispose();
  });
});
