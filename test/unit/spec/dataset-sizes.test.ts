import { describe, expect, it } from 'vitest';
import { HwsweepError } from '../../../src/errors.js';
import { loadDataset } from '../../../src/nn/data/load.js';
import { DATASET_FACTS, parseSpec } from '../../../src/spec/index.js';

describe('DATASET_FACTS (the subset limits and geometry the spec checks) agree with the loader', () => {
  it.each(['fashion-mnist', 'mnist', 'synthetic'] as const)(
    '%s: train and test split sizes, image shape and classes',
    async (name) => {
      const ds = await loadDataset(name);
      const facts = DATASET_FACTS[name];
      expect({ train: ds.train.n, test: ds.test.n }).toEqual(facts.images);
      expect({ shape: ds.shape, numClasses: ds.numClasses }).toEqual({
        shape: facts.shape,
        numClasses: facts.numClasses,
      });
    },
  );

  it('the loader refuses a subset larger than its split instead of silently using the whole split', async () => {
    const err = await loadDataset('synthetic', { trainSubset: 1025 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HwsweepError);
    expect((err as HwsweepError).code).toBe('DATASET_INVALID');
    expect((err as Error).message).toBe(
      'data.trainSubset = 1025 is more than the 1024 images of the synthetic train split',
    );
    await expect(loadDataset('synthetic', { testSubset: 256 })).resolves.toMatchObject({ test: { n: 256 } });
  });

  it('the spec accepts a subset equal to the split and refuses one image more, naming the dataset and its size', () => {
    expect(parseSpec('name: t\ndatasets: [synthetic]\ndata: { trainSubset: 1024 }\n').data.trainSubset).toBe(1024);
    expect(() => parseSpec('name: t\ndatasets: [synthetic]\ndata: { trainSubset: 1025 }\n')).toThrow(
      'data.trainSubset: 1025 is more than the train split holds (synthetic has 1024); use at most 1024 or null for all',
    );
  });
});
