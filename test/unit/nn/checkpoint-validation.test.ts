import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/nn/backend/index.js';
import {
  artifactProblem,
  createModel,
  getAllWeights,
  loadDataset,
  loadModelBytes,
  saveModelBytes,
  trainModel,
  type Dataset,
} from '../../../src/nn/index.js';
import { pack, unpack } from '../../../src/nn/train/pack.js';

let data: Dataset;
let checkpoint: Uint8Array;
const model = () => createModel({ name: 'lenet5', inputShape: data.shape, numClasses: data.numClasses, seed: 1 });

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
  data = await loadDataset('synthetic', { seed: 11, synthetic: { train: 64, test: 32 } });
  const m = model();
  await trainModel(
    m,
    data,
    { epochs: 2, batchSize: 32, optimizer: 'sgd', lr: 0.05, schedule: { kind: 'constant' }, seed: 3 },
    {
      onEpochEnd: (_m, encode) => void (checkpoint = encode()),
    },
  );
  m.dispose();
});

/** The checkpoint with `edit` applied to its blobs / meta, re-packed (a tampered file with a valid container). */
function tampered(
  edit: (
    meta: Record<string, unknown>,
    blobs: Map<string, { key: string; data: Float32Array | Uint8Array; shape: number[] }>,
  ) => void,
): Uint8Array {
  const { meta, blobs } = unpack(checkpoint, 'checkpoint');
  edit(meta, blobs);
  return pack(meta, [...blobs.values()]);
}

describe('checkpoints and weights are validated before they load', () => {
  it('a checkpoint written by training is loadable', () => {
    const m = model();
    expect(artifactProblem(m, checkpoint, 'checkpoint')).toBeUndefined();
    m.dispose();
  });

  it.each([
    [
      'a NaN weight',
      (_m: Record<string, unknown>, b: Map<string, { data: Float32Array | Uint8Array }>) =>
        void (b.get('w/conv1/kernel')!.data[7] = Number.NaN),
      /w\/conv1\/kernel\[7\] = NaN is not finite/,
    ],
    [
      'an infinite optimizer slot',
      (_m: Record<string, unknown>, b: Map<string, { key: string; data: Float32Array | Uint8Array }>) => {
        const slot = [...b.values()].find((x) => !x.key.startsWith('w/') && x.data instanceof Float32Array)!;
        slot.data[0] = Number.POSITIVE_INFINITY;
      },
      /= Infinity is not finite/,
    ],
    [
      'a missing weight',
      (_m: Record<string, unknown>, b: Map<string, unknown>) => void b.delete('w/fc1/bias'),
      /fc1\/bias needs \d+ values, got none/,
    ],
    [
      'a truncated weight',
      (_m: Record<string, unknown>, b: Map<string, { data: Float32Array | Uint8Array; shape: number[] }>) => {
        const w = b.get('w/fc1/kernel')!;
        w.data = w.data.slice(1);
      },
      /fc1\/kernel needs \d+ values, got \d+/,
    ],
    [
      'a history that does not match the epoch',
      (m: Record<string, unknown>) => void (m['epoch'] = 5),
      /history has 2 epochs, expected 6/,
    ],
  ])(
    '%s is refused with the reason, and resuming from it fails before touching the model',
    async (_name, edit, reason) => {
      const m = model();
      const before = [...getAllWeights(m).values()].map((w) => Array.from(w.data));
      const bad = tampered(edit as never);
      expect(artifactProblem(m, bad, 'checkpoint')).toMatch(reason);
      const resume = trainModel(
        m,
        data,
        { epochs: 3, batchSize: 32, optimizer: 'sgd', lr: 0.05, schedule: { kind: 'constant' }, seed: 3 },
        { resumeFrom: bad },
      );
      await expect(resume).rejects.toMatchObject({ code: 'ARTIFACT_INVALID', message: expect.stringMatching(reason) });
      expect([...getAllWeights(m).values()].map((w) => Array.from(w.data))).toEqual(before);
      m.dispose();
    },
  );

  it('weights with a NaN are refused by loadModelBytes (code ARTIFACT_INVALID), the model unchanged', () => {
    const m = model();
    const bytes = saveModelBytes(m);
    const { meta, blobs } = unpack(bytes, 'weights');
    (blobs.get('w/conv2/kernel')!.data as Float32Array)[0] = Number.NaN;
    const target = model();
    const before = Array.from(getAllWeights(target).get('conv2/kernel')!.data);
    expect(() => loadModelBytes(target, pack(meta, [...blobs.values()]))).toThrow(
      expect.objectContaining({ code: 'ARTIFACT_INVALID' }),
    );
    expect(Array.from(getAllWeights(target).get('conv2/kernel')!.data)).toEqual(before);
    loadModelBytes(target, bytes); // the intact file loads
    expect(Array.from(getAllWeights(target).get('conv2/kernel')!.data)).toEqual(
      Array.from(getAllWeights(m).get('conv2/kernel')!.data),
    );
    m.dispose();
    target.dispose();
  });
});
