import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HwsweepError } from '../../errors.js';
import type { Split } from './types.js';

/** One CIFAR-10 binary record: 1 label byte + 3072 pixel bytes (1024 R, 1024 G, 1024 B, each 32x32 row-major). */
export const CIFAR_RECORD_BYTES = 1 + 32 * 32 * 3;
const PIXELS = 32 * 32;

/**
 * Decodes the standard CIFAR-10 binary format (`data_batch_N.bin`, `test_batch.bin`) into NHWC.
 * @returns `x` shape `[n, 32, 32, 3]` float32 in `[0, 1]`, `y` labels `[n]` in `[0, 10)`.
 * @throws DATASET_INVALID when the byte length is not a multiple of 3073 or a label is > 9.
 */
export function decodeCifarBatch(bytes: Uint8Array, file: string): Split {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD_BYTES !== 0) {
    throw new HwsweepError(
      'DATASET_INVALID',
      `CIFAR-10 file ${file} has ${bytes.length} bytes, not a positive multiple of ${CIFAR_RECORD_BYTES} (1 label + 3072 pixels per image)`,
      { context: { path: file, bytes: bytes.length, recordBytes: CIFAR_RECORD_BYTES } },
    );
  }
  const n = bytes.length / CIFAR_RECORD_BYTES;
  const x = new Float32Array(n * PIXELS * 3);
  const y = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const base = k * CIFAR_RECORD_BYTES;
    const label = bytes[base] ?? 0;
    if (label > 9) {
      throw new HwsweepError(
        'DATASET_INVALID',
        `CIFAR-10 file ${file}: record ${k} has label ${label}, not in [0, 9]`,
        {
          context: { path: file, record: k, label },
        },
      );
    }
    y[k] = label;
    const out = k * PIXELS * 3;
    for (let p = 0; p < PIXELS; p++) {
      for (let ch = 0; ch < 3; ch++) x[out + p * 3 + ch] = (bytes[base + 1 + ch * PIXELS + p] ?? 0) / 255;
    }
  }
  return { x, y, n };
}

function concatSplits(parts: Split[]): Split {
  const n = parts.reduce((a, p) => a + p.n, 0);
  const x = new Float32Array(n * PIXELS * 3);
  const y = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    x.set(p.x, at * PIXELS * 3);
    y.set(p.y, at);
    at += p.n;
  }
  return { x, y, n };
}

/**
 * Loads CIFAR-10 from `dir` (the `cifar-10-batches-bin` folder, or its parent): every
 * `data_batch_*.bin` is the train split (in name order), `test_batch.bin` the test split.
 */
export function loadCifar10(dir: string | undefined): { train: Split; test: Split } {
  if (dir === undefined) {
    throw new HwsweepError('DATASET_INVALID', 'cifar10: path is required (the cifar-10-batches-bin folder)', {
      hint: 'download cifar-10-binary.tar.gz on a machine with internet, extract it, and pass its folder as path',
    });
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HwsweepError('DATASET_INVALID', `cifar10: dataset path ${dir} is not a directory`, {
      context: { path: dir },
    });
  }
  const nested = join(dir, 'cifar-10-batches-bin');
  const root = existsSync(join(dir, 'test_batch.bin')) || !existsSync(nested) ? dir : nested;
  const trainFiles = readdirSync(root)
    .filter((f) => /^data_batch_\d+\.bin$/.test(f))
    .sort();
  const testFile = join(root, 'test_batch.bin');
  if (trainFiles.length === 0 || !existsSync(testFile)) {
    throw new HwsweepError(
      'DATASET_INVALID',
      `cifar10: ${root} must contain data_batch_1.bin..data_batch_5.bin and test_batch.bin (found ${trainFiles.length} train batches${existsSync(testFile) ? '' : ', no test_batch.bin'})`,
      { context: { path: root } },
    );
  }
  const read = (f: string): Split => decodeCifarBatch(new Uint8Array(readFileSync(f)), f);
  return { train: concatSplits(trainFiles.map((f) => read(join(root, f)))), test: read(testFile) };
}
