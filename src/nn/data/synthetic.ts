import { checkArg } from '../../errors.js';
import { Rng } from '../../shared/rng.js';
import { DATASET_FACTS, type Dataset, type Split } from './types.js';

/**
 * A seeded, learnable synthetic classification set: each class has a fixed random prototype image;
 * a sample is its class prototype plus uniform noise, clipped to `[0, 1]`. A small CNN separates
 * the classes within an epoch or two, which is what the unit tests need.
 */
export function makeSynthetic(opts: {
  seed: number;
  train?: number;
  test?: number;
  shape?: [number, number, number];
  numClasses?: number;
}): Dataset {
  const defaults = DATASET_FACTS.synthetic;
  const shape = opts.shape ?? defaults.shape;
  const numClasses = opts.numClasses ?? defaults.numClasses;
  const nTrain = opts.train ?? defaults.images.train;
  const nTest = opts.test ?? defaults.images.test;
  checkArg(numClasses >= 2 && numClasses <= 256, 'makeSynthetic', 'numClasses', numClasses, 'an integer in [2, 256]');
  checkArg(
    shape.every((d) => Number.isInteger(d) && d >= 1),
    'makeSynthetic',
    'shape',
    shape,
    'positive integers',
  );
  const size = shape[0] * shape[1] * shape[2];
  const rng = new Rng(opts.seed);
  const protos: Float32Array[] = [];
  for (let c = 0; c < numClasses; c++) {
    const p = new Float32Array(size);
    for (let i = 0; i < size; i++) p[i] = rng.next() < 0.5 ? 0.2 : 0.8;
    protos.push(p);
  }
  const make = (n: number): Split => {
    const x = new Float32Array(n * size);
    const y = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const c = rng.int(numClasses);
      y[k] = c;
      const p = protos[c] ?? new Float32Array(size);
      for (let i = 0; i < size; i++) x[k * size + i] = Math.min(1, Math.max(0, (p[i] ?? 0) + (rng.next() - 0.5) * 0.6));
    }
    return { x, y, n };
  };
  return { name: 'synthetic', shape, numClasses, train: make(nTrain), test: make(nTest) };
}
