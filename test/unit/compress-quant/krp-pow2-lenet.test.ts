import type * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveHardware, simulateNetwork } from '../../../src/accel/index.js';
import { applyMask } from '../../../src/compress/index.js';
import { initBackend } from '../../../src/nn/backend/index.js';
import {
  createModel,
  evaluate,
  getWeights,
  layerDescriptors,
  makeSynthetic,
  setWeights,
  trainModel,
  type Dataset,
  type Masks,
} from '../../../src/nn/index.js';
import { expandSpec, parseSpec, type TrialConfig } from '../../../src/spec/index.js';
import { compressForTrial } from '../../../src/trial/compress.js';
import { incrementalPow2, type InqStepReport } from '../../../src/trial/inq.js';
import { pruneForTrial } from '../../../src/trial/prune.js';
import { layerCompression } from '../../../src/trial/simulate.js';

/**
 * A LeNet-5-sized network through the trial's own code path, without services: KRP pruning (one row of every 5x5
 * kernel, FC layers to 90 %), INQ to 3-bit sign-based powers of two with real (masked, frozen) training between
 * the steps, then compression accounting. Everything asserted is recomputed here from first principles.
 */
const SPEC = [
  'name: lenet-gsnq',
  'datasets: [synthetic]',
  'pruning: { methods: [kernel-row], fcRatio: [0.9] }',
  'quantization: { weightFormat: [pow2], pow2: { bits: [3] } }',
  'retraining: { batchSize: 32, lr: 0.01 }',
].join('\n');

/** Relative-index entries (Deep Compression, 4-bit gaps): kept weights plus one filler per 16 skipped zeros. */
function relativeEntries(mask: Uint8Array): number {
  let entries = 0;
  let gap = 0;
  for (const m of mask) {
    if (m) {
      entries += 1 + Math.floor(gap / 16);
      gap = 0;
    } else gap++;
  }
  return entries;
}

describe('LeNet-5: prune (KRP) -> INQ power-of-two retraining -> storage', () => {
  let t: TrialConfig;
  let data: Dataset;
  let model: tf.LayersModel;
  let masks: Masks;
  let steps: InqStepReport[];
  const trainedSteps: number[] = [];
  const frozenMoved: number[] = [];
  const freeMoved: number[] = [];

  beforeAll(async () => {
    await initBackend('wasm', { log: () => undefined });
    t = expandSpec(parseSpec(SPEC)).trials[0] as TrialConfig;
    data = makeSynthetic({ seed: 3, train: 128, test: 64, shape: [28, 28, 1], numClasses: 10 });
    model = createModel({ name: 'lenet5', inputShape: data.shape, numClasses: data.numClasses, seed: 1 });
    const layers = layerDescriptors(model);
    const pruned = pruneForTrial(t, layers, getWeights(model));
    masks = pruned?.masks ?? new Map();
    setWeights(
      model,
      new Map([...getWeights(model)].map(([n, w]) => [n, masks.has(n) ? applyMask(w, masks.get(n)!) : w])),
    );
    const out = await incrementalPow2(model, t, masks, {
      train: async (step, options) => {
        trainedSteps.push(step);
        const before = getWeights(model);
        await trainModel(model, data, { ...options, masks });
        // The trainer's contract: frozen entries keep their values exactly; the free kept ones are trained.
        let frozenChanged = 0;
        let freeChanged = 0;
        for (const [name, w] of getWeights(model)) {
          const b = before.get(name)!;
          const f = options.frozen!.get(name)!;
          const m = masks.get(name);
          w.forEach((v, i) => {
            if (f[i]) frozenChanged += v !== b[i] ? 1 : 0;
            else if (!m || m[i]) freeChanged += v !== b[i] ? 1 : 0;
          });
        }
        frozenMoved.push(frozenChanged);
        freeMoved.push(freeChanged);
      },
    });
    steps = out.steps;
  });

  it('trial config: kernel-row + 3-bit sign-based pow2, INQ 50/75/87.5/100 % with one epoch between steps', () => {
    expect([t.method, t.weightFormat, t.weightBits, t.pow2SignBased, t.inq?.steps, t.inq?.epochsPerStep]).toEqual([
      'kernel-row',
      'pow2',
      3,
      true,
      [0.5, 0.75, 0.875, 1],
      1,
    ]);
  });

  it('each step freezes round(fraction x kept) weights per layer; training between steps never moves a frozen one', () => {
    const kept = [...getWeights(model).keys()].map((n) => {
      const m = masks.get(n);
      return m ? m.reduce((a, b) => a + b, 0) : getWeights(model).get(n)!.length;
    });
    const total = kept.reduce((a, b) => a + b, 0);
    const expected = [0.5, 0.75, 0.875, 1].map((f) => kept.reduce((a, k) => a + Math.round(f * k), 0) / total);
    expect(steps.map((s) => s.frozenFraction)).toEqual(expected);
    expect(steps.map((s) => s.trained)).toEqual([true, true, true, false]); // the 100 % step needs no retraining
    expect(trainedSteps).toEqual([1, 2, 3]);
    expect(frozenMoved).toEqual([0, 0, 0]);
    for (const n of freeMoved) expect(n).toBeGreaterThan(100);
  });

  it('after the last step every kept weight is 0 or ±2^e with at most 2 exponents per sign and layer (3 bits); pruned ones are exact zeros', () => {
    for (const [name, w] of getWeights(model)) {
      const m = masks.get(name);
      const exps = { pos: new Set<number>(), neg: new Set<number>() };
      w.forEach((v, i) => {
        if (m && !m[i]) {
          expect(v).toBe(0);
          return;
        }
        if (v === 0) return;
        const e = Math.log2(Math.abs(v));
        expect(Number.isInteger(e)).toBe(true);
        (v > 0 ? exps.pos : exps.neg).add(e);
      });
      expect(exps.pos.size).toBeLessThanOrEqual(2);
      expect(exps.neg.size).toBeLessThanOrEqual(2);
      expect(exps.pos.size + exps.neg.size).toBeGreaterThan(0);
    }
  });

  it('storage counts every weight at 3 bits: 5x5 KRP kernels take 5·3 + 3 bits, FC layers 3-bit values + 4-bit relative indices', async () => {
    const layers = layerDescriptors(model);
    const pruned = pruneForTrial(t, layers, getWeights(model))!; // same masks (KRP rows by L1; zeros stay zeros)
    const report = { masks, keptRows: new Map<string, Uint32Array>(), report: pruned.report };
    const out = await compressForTrial(t, model, data, layers, report);
    const bits = new Map(out.storage.layers.map((l) => [l.name, l.totalBits]));
    // conv1 [5,5,1,6] and conv2 [5,5,6,16]: per kernel one row of 5 values at 3 bits + a row id of ceil(log2 5) = 3 bits.
    expect(bits.get('conv1')).toBe(1 * 6 * (5 * 3 + 3));
    expect(bits.get('conv2')).toBe(6 * 16 * (5 * 3 + 3));
    for (const fc of ['fc1', 'fc2', 'fc3']) expect(bits.get(fc)).toBe(relativeEntries(masks.get(fc)!) * (3 + 4));
    expect(out.storage.ratioVsFp32).toBeCloseTo(
      (32 * out.storage.weights) / [...bits.values()].reduce((a, b) => a + b, 0),
      12,
    );
    expect(out.layers.map((l) => [l.layer, l.weightBits, l.fractionalLength])).toEqual(
      ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'].map((n) => [n, 3, null]),
    );
    // The simulator's input says the weights are 3-bit powers of two.
    expect(out.sim.perLayer.map((p) => [p.weightBits, p.weightFormat])).toEqual(Array(5).fill([3, 'pow2']));
    // INQ already made the weights powers of two: no weight transform, so the accuracy is the model's own.
    expect(out.accuracy).toBe((await evaluate(model, data.test)).accuracy);

    // On a KRP machine with shifters (AC-11), power-of-two layers need no multiplier; fixed-point ones would.
    const shifter = resolveHardware({ base: 'krp-fpga', name: 'krp-fpga-shift', krp: { shifters: true } });
    const pow2Run = simulateNetwork(out.sim.layers, layerCompression(out.sim), shifter);
    expect(pow2Run.layers.map((l) => [l.name, l.multiplications, l.extra['multipliers']])).toEqual(
      ['conv1', 'conv2', 'fc1', 'fc2', 'fc3'].map((n) => [n, 0, 0]),
    );
    const fixed = { ...out.sim, perLayer: out.sim.perLayer.map((p) => ({ ...p, weightFormat: 'fixed' as const })) };
    const fixedRun = simulateNetwork(fixed.layers, layerCompression(fixed), shifter);
    for (const l of fixedRun.layers) expect(l.multiplications).toBeGreaterThan(0);
  });
});
