/**
 * Compresses LeNet-5 trained on Fashion-MNIST with every method of the library and prints measured
 * accuracies (issue 4 "Done when"):
 * 1. trains a baseline (step LR schedule, so LR tracking has stages to follow);
 * 2. prunes to 50 / 70 / 90 % with magnitude, group-balanced (g = 4, 8, 16) and KRP (ratio = r_fc;
 *    conv rows fixed at 1 of 5), retrains each with fixed masks and LR tracking rule A, prints
 *    accuracy before/after retraining and the achieved ratios;
 * 3. quantizes the baseline and one pruned model to W16A16 / W8A8 / W4A8 / W4A4 (KL activations,
 *    SR averaged over seeds, and rna) and clusters them with K = 4 … 64 (plus K_a = 16 activations),
 *    printing accuracy, §1.6 storage and the size of the serialised compressed model.
 *
 *   nice -n 10 npx tsx examples/compress-lenet.ts
 *   nice -n 10 npx tsx examples/compress-lenet.ts --epochs 5 --retrain-epochs 2 --train-subset 12000 --test-subset 2000
 */
import { parseArgs } from 'node:util';
import {
  applyMask,
  prunedModelStorage,
  pruneModel,
  type PruneConfig,
  type PruneResult,
  type ModelStorage,
} from '../src/compress/index.js';
import { modelStorage, type ValueEncoding } from '../src/compress/storage.js';
import {
  buildCompressed,
  clusterModel,
  quantizeModel,
  relativeLogitError,
  sampleSplit,
  serializeCompressed,
} from '../src/compress/model.js';
import { initBackend, type BackendChoice } from '../src/nn/backend/index.js';
import {
  createModel,
  evaluate,
  getAllWeights,
  getWeights,
  layerDescriptors,
  loadDataset,
  setAllWeights,
  setWeights,
  trainModel,
  type BaseSchedule,
  type Masks,
} from '../src/nn/index.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '5' },
    'retrain-epochs': { type: 'string', default: '2' },
    'train-subset': { type: 'string', default: '12000' },
    'test-subset': { type: 'string', default: '2000' },
    'calib-size': { type: 'string', default: '500' },
    'sr-seeds': { type: 'string', default: '5' },
    lr: { type: 'string', default: '0.03' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'auto' },
  },
});
const E = Number(values.epochs);
const Er = Number(values['retrain-epochs']);
const lr = Number(values.lr);
const seed = Number(values.seed);
const srSeeds = Number(values['sr-seeds']);
const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const t0 = performance.now();
const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(0)} s`;

const backend = await initBackend(values.backend as BackendChoice);
const data = await loadDataset('fashion-mnist', {
  trainSubset: Number(values['train-subset']),
  testSubset: Number(values['test-subset']),
  seed,
});
const net = createModel({ name: 'lenet5', inputShape: data.shape, numClasses: data.numClasses, seed });
const layers = layerDescriptors(net);
const milestones = [...new Set([Math.floor(E / 2), Math.floor((3 * E) / 4)])].filter((m) => m > 0);
const original: BaseSchedule = { kind: 'step', milestones, gamma: 0.1 };
const common = { batchSize: 64, optimizer: 'sgd' as const, lr, momentum: 0.9, weightDecay: 5e-4, seed };

console.log(`# LeNet-5 on Fashion-MNIST (${data.train.n} train / ${data.test.n} test), backend ${backend}`);
console.log(
  `baseline: ${E} epochs, SGD momentum 0.9, lr ${lr} step x0.1 at epochs [${milestones.join(', ')}], batch 64`,
);
await trainModel(net, data, { ...common, epochs: E, schedule: original });
const base = await evaluate(net, data.test);
const baseline = getAllWeights(net);
console.log(`baseline test accuracy ${pct(base.accuracy)} (${elapsed()})\n`);

// ---- pruning + retraining -------------------------------------------------------------------
interface Variant {
  label: string;
  pruned: PruneResult;
  weights: ReturnType<typeof getAllWeights>;
  accAfter: number;
}
const methods: { label: string; cfg: (r: number) => PruneConfig }[] = [
  { label: 'magnitude', cfg: (r) => ({ method: 'magnitude', ratio: r }) },
  ...[4, 8, 16].map((g) => ({
    label: `GBP g=${g}`,
    cfg: (r: number): PruneConfig => ({ method: 'group-balanced', ratio: r, groupSize: g, firstLayerPolicy: 'flat' }),
  })),
  { label: 'KRP (r_fc)', cfg: (r) => ({ method: 'kernel-row', ratio: r }) },
];
const variants: Variant[] = [];
console.log(
  `## Pruning, retrain ${Er} epochs with fixed masks, LR tracking rule A (GBP: vector groups, convs with inC < g grouped over the flattened (i,j,c) axis, §8.1 variant)`,
);
console.log('| method | requested | achieved overall | conv | fc | acc pruned | acc retrained | storage fp32 (KiB) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const m of methods) {
  for (const r of [0.5, 0.7, 0.9]) {
    setAllWeights(net, baseline);
    const w = getWeights(net);
    const pruned = pruneModel({ layers, weights: w }, m.cfg(r));
    setWeights(net, new Map([...w].map(([n, v]) => [n, applyMask(v, pruned.masks.get(n) as Uint8Array)])));
    const accPruned = (await evaluate(net, data.test)).accuracy;
    await trainModel(net, data, {
      ...common,
      epochs: Er,
      schedule: { kind: 'lr-tracking', rule: 'A', original, originalEpochs: E, originalLr: lr },
      masks: pruned.masks as Masks,
    });
    const accAfter = (await evaluate(net, data.test)).accuracy;
    const st = prunedModelStorage(layers, pruned, { kind: 'float32' });
    const rep = pruned.report;
    console.log(
      `| ${m.label} | ${pct(r)} | ${pct(rep.overall.achievedRatio)} | ${pct(rep.conv.achievedRatio)} | ${pct(rep.fc.achievedRatio)} | ${pct(accPruned)} | ${pct(accAfter)} | ${(st.totalBits / 8192).toFixed(1)} |`,
    );
    variants.push({ label: `${m.label} ${pct(r)}`, pruned, weights: getAllWeights(net), accAfter });
  }
}
console.log(`(${elapsed()})\n`);

// ---- quantization and clustering --------------------------------------------------------------
const calib = sampleSplit(data.train, Number(values['calib-size']), seed);
const gbp = variants.find((v) => v.label === `GBP g=8 ${pct(0.7)}`) as Variant;
const subjects: { label: string; weights: ReturnType<typeof getAllWeights>; pruned?: PruneResult }[] = [
  { label: 'baseline', weights: baseline },
  { label: gbp.label, weights: gbp.weights, pruned: gbp.pruned },
];
const storageOf = (values: ValueEncoding, pruned?: PruneResult): ModelStorage =>
  pruned
    ? prunedModelStorage(layers, pruned, values, { baselineBits: 16 })
    : modelStorage(
        layers.map((l) => ({
          name: l.name,
          shape: l.weightShape,
          format: { values, sparsity: { kind: 'dense' as const } },
        })),
        { baselineBits: 16 },
      );

console.log(
  '## Fixed-point quantization (weights T = max|W|, activations KL except conv1, whose input is the raw image: max; FL search ±2, per-layer FL)',
);
console.log(
  `| model | plan | acc SR (mean ± sd of ${srSeeds} seeds) | acc rna | rel. logit error (rna) | storage (KiB) | x vs fp32 | x vs 16-bit | serialised bytes |`,
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const s of subjects) {
  setAllWeights(net, s.weights);
  const acc0 = (await evaluate(net, data.test)).accuracy;
  const st0 = storageOf({ kind: 'float32' }, s.pruned);
  console.log(
    `| ${s.label} | fp32 | ${pct(acc0)} | – | – | ${(st0.totalBits / 8192).toFixed(1)} | ${st0.ratioVsFp32.toFixed(1)} | ${(st0.ratioVsBaseline ?? 0).toFixed(2)} | – |`,
  );
  for (const [wb, ab] of [
    [16, 16],
    [8, 8],
    [4, 8],
    [4, 4],
  ] as const) {
    const q = await quantizeModel(net, { weights: { bits: wb }, activations: { bits: ab }, calibration: calib, seed });
    const srAcc: number[] = [];
    for (let k = 0; k < srSeeds; k++)
      srAcc.push((await evaluate(net, data.test, { transforms: q.transformsWithSeed(seed + 100 + k) })).accuracy);
    const mean = srAcc.reduce((a, b) => a + b, 0) / srSeeds;
    const sd = Math.sqrt(srAcc.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, srSeeds - 1));
    const qr = await quantizeModel(net, {
      weights: { bits: wb, rounding: 'rna' },
      activations: { bits: ab, rounding: 'rna' },
      calibration: calib,
      seed,
    });
    const rna = (await evaluate(net, data.test, { transforms: qr.transforms })).accuracy;
    const relErr = await relativeLogitError(net, data.test, qr.transforms);
    const st = storageOf({ kind: 'fixed', bits: wb }, s.pruned);
    const bytes = serializeCompressed(
      buildCompressed({ name: 'lenet5', model: net, quantized: q, ...(s.pruned ? { masks: s.pruned.masks } : {}) }),
    ).length;
    console.log(
      `| ${s.label} | W${wb}A${ab} | ${pct(mean)} ± ${(sd * 100).toFixed(2)} | ${pct(rna)} | ${pct(relErr)} | ${(st.totalBits / 8192).toFixed(1)} | ${st.ratioVsFp32.toFixed(1)} | ${(st.ratioVsBaseline ?? 0).toFixed(2)} | ${bytes} |`,
    );
  }
}
console.log(`(${elapsed()})\n`);

console.log(
  '## k-means weight sharing (non-zero weights, per layer, linear init); K_a = 16 static activation clusters in the last column',
);
console.log('| model | K_w | acc (weights) | acc (+ K_a = 16) | storage (KiB) | x vs fp32 | serialised bytes |');
console.log('|---|---|---|---|---|---|---|');
for (const s of subjects) {
  setAllWeights(net, s.weights);
  for (const k of [4, 8, 16, 32, 64]) {
    const c = await clusterModel(net, { k, seed });
    const accW = (await evaluate(net, data.test, { transforms: c.transforms })).accuracy;
    const ca = await clusterModel(net, { k, seed, activations: { k: 16, mode: 'static', calibration: calib } });
    const accWA = (await evaluate(net, data.test, { transforms: ca.transforms })).accuracy;
    const st = storageOf({ kind: 'clustered', clusters: k }, s.pruned);
    const bytes = serializeCompressed(
      buildCompressed({ name: 'lenet5', model: net, clustered: c, ...(s.pruned ? { masks: s.pruned.masks } : {}) }),
    ).length;
    console.log(
      `| ${s.label} | ${k} | ${pct(accW)} | ${pct(accWA)} | ${(st.totalBits / 8192).toFixed(1)} | ${st.ratioVsFp32.toFixed(1)} | ${bytes} |`,
    );
  }
}
console.log(`(total ${elapsed()})`);
