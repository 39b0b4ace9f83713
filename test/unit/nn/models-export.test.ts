import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyMask } from '../../../src/compress/index.js';
import { decodeLayerWeights } from '../../../src/compress/model.js';
import { initBackend } from '../../../src/nn/backend/index.js';
import { buildFileModel, readModelFiles } from '../../../src/nn/io/index.js';
import {
  createModel,
  evaluate,
  getAllWeights,
  getWeights,
  layerDescriptors,
  makeSynthetic,
  setWeights,
} from '../../../src/nn/index.js';
import { expandSpec, parseSpecObject, resolveModelFiles, type TrialConfig } from '../../../src/spec/index.js';
import { compressForTrial } from '../../../src/trial/compress.js';
import { decodeExportBundle, loadExport, writeExport } from '../../../src/trial/export.js';
import { pruneForTrial } from '../../../src/trial/prune.js';

const MODEL = 'test/fixtures/models/keras-residual/model.json';

/** One trial of a file-model spec on 28x28x1 / 10-class data (the resolver is the real file's hash). */
async function trial(overrides: Record<string, unknown>): Promise<TrialConfig> {
  const spec = parseSpecObject({
    name: 'export',
    datasets: ['fashion-mnist'],
    models: [{ path: MODEL, pretrained: true }],
    pruning: { methods: ['magnitude'], ratios: [0.5] },
    ...overrides,
  });
  const sha256 = readModelFiles(MODEL).sha256;
  const t = expandSpec(await resolveModelFiles(spec, { resolver: () => Promise.resolve({ sha256 }) })).trials[0];
  if (!t) throw new Error('no trial');
  return t;
}

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

describe('export of a compressed trial', () => {
  // Synthetic images of the fixture's geometry: the accuracy itself does not matter, its reproduction does.
  const data = {
    ...makeSynthetic({ seed: 3, train: 64, test: 96, shape: [28, 28, 1], numClasses: 10 }),
    name: 'fashion-mnist' as const,
  };

  it.each([
    [
      'W4A8 with stochastic rounding',
      {
        quantization: {
          weightBits: 4,
          activationBits: 8,
          rounding: 'stochastic',
          threshold: 'max',
          calibrationSize: 32,
        },
      },
    ],
    ['Kw8 Ka6 (k-means weights and activations)', { clustering: { weightClusters: 8, activationClusters: 6 } }],
    ['W8 weights only', { quantization: { weightBits: 8 } }],
    ['fp32, pruned only', {}],
    [
      'zoo lenet5, W8A8',
      { models: ['lenet5'], quantization: { weightBits: 8, activationBits: 8, calibrationSize: 32 } },
    ],
  ])('%s: the reloaded export reproduces the measured accuracy; sizes match the storage account', async (_, o) => {
    const t = await trial(o);
    const zoo = 'models' in o; // a zoo network goes through the same export path
    const build = async () =>
      zoo
        ? createModel({ name: 'lenet5', inputShape: [28, 28, 1], numClasses: 10, seed: 5 })
        : (await buildFileModel(readModelFiles(MODEL), 'm')).model;
    const model = await build();
    const layers = layerDescriptors(model);
    const pruned = pruneForTrial(t, layers, getWeights(model));
    if (!pruned) throw new Error('not pruned');
    setWeights(
      model,
      new Map(
        [...getWeights(model)].map(([n, w]) => [
          n,
          applyMask(w, pruned.masks.get(n) ?? new Uint8Array(w.length).fill(1)),
        ]),
      ),
    );
    const out = await compressForTrial(t, model, data, layers, pruned);

    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    const network = await build();
    const bundle = decodeExportBundle(out.exportBundle);
    expect(bundle.packedAsFp32).toEqual([]); // every kernel decodes from its packed format to the evaluated values
    const manifest = await writeExport(dir, network, bundle, {
      id: 'sweep/abc',
      label: 'x',
      model: t.model,
      dataset: t.dataset,
      configHash: t.configHash,
      accuracy: out.accuracy,
      baselineAccuracy: null,
      modelBytes: out.storage.totalBits / 8,
      compressionRatio: out.storage.ratioVsFp32,
      config: t,
    });
    network.dispose();

    expect(manifest.modelBytes).toBe(out.storage.totalBits / 8);
    expect(manifest.layers.reduce((a, l) => a + l.storageBytes, 0)).toBeCloseTo(manifest.modelBytes, 9);
    expect(manifest.layers.map((l) => l.kept)).toEqual(out.layers.map((r) => r.kept));
    expect(manifest.files['weights.bin']).toBe(readFileSync(join(dir, 'weights.bin')).byteLength);

    const back = await loadExport(dir);
    try {
      // Kernels in model.json are exactly the packed form decoded; masked positions are zero.
      const all = getAllWeights(back.model);
      for (const l of back.packed.layers) {
        const k = all.get(`${l.name}/kernel`)?.data;
        expect(Array.from(k ?? []), l.name).toEqual(Array.from(decodeLayerWeights(l)));
        const mask = pruned.masks.get(l.name);
        if (mask) expect(Array.from(k ?? []).every((v, i) => mask[i] || v === 0)).toBe(true);
      }
      const again = await evaluate(back.model, data.test, { transforms: back.transforms });
      expect(again.accuracy).toBe(out.accuracy);
      expect(again.loss).toBeCloseTo(out.loss, 5);
    } finally {
      back.model.dispose();
      model.dispose();
    }
  });
});
