import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardwareProblem } from '../../../src/accel/hardware.js';
import { describeTrial, expandSpec, parseSpec, type SweepSpec } from '../../../src/spec/index.js';

const dir = join(import.meta.dirname, '../../../examples');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** The simulator's own resolver, injected the way the orchestrator does it. */
const validateAccelerator = hardwareProblem;

const load = (file: string): SweepSpec =>
  parseSpec(readFileSync(join(dir, file), 'utf8'), { file: `examples/${file}`, validateAccelerator });

describe('examples/*.yaml', () => {
  it('examples holds the ten documented specs', () => {
    expect(files).toEqual([
      'asha.yaml',
      'demo.yaml',
      'kang-aap.yaml',
      'kcnn.yaml',
      'krp-gsnq.yaml',
      'krp-lr-tracking.yaml',
      'median.yaml',
      'mo-gp.yaml',
      'mo.yaml',
      'quant-zhu.yaml',
    ]);
  });

  it.each(files)('%s parses, its accelerators resolve, and it expands without rejections', (file) => {
    const spec = load(file);
    expect(spec.name).toBe(file.replace(/\.yaml$/, ''));
    const { trials, rejected } = expandSpec(spec);
    expect(rejected).toEqual([]);
    expect(trials.length).toBeGreaterThan(0);
    expect(new Set(trials.map((t) => t.configHash)).size).toBe(trials.length);
  });

  it('example trial counts: asha 27, demo 12, kang-aap 12, kcnn 24, krp-gsnq 8, krp-lr-tracking 9, median 12 of 27, mo 128 (nsga2 runs 38), mo-gp 128 (gp runs 38), quant-zhu 54', () => {
    const counts = Object.fromEntries(files.map((f) => [f, expandSpec(load(f)).trials.length]));
    expect(counts).toEqual({
      'asha.yaml': 27,
      'mo.yaml': 128,
      'mo-gp.yaml': 128,
      'demo.yaml': 12,
      'kang-aap.yaml': 12,
      'kcnn.yaml': 24,
      'krp-gsnq.yaml': 8,
      'krp-lr-tracking.yaml': 9,
      'median.yaml': 12,
      'quant-zhu.yaml': 54,
    });
  });

  it('demo.yaml meets the demo contract: >= 2 methods x >= 3 ratios x >= 2 bit widths, retrained 1-2 epochs, simulated', () => {
    const spec = load('demo.yaml');
    const { trials } = expandSpec(spec);
    expect(new Set(trials.map((t) => t.method)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(trials.map((t) => t.pruneRatio)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(trials.map((t) => t.weightBits)).size).toBeGreaterThanOrEqual(2);
    for (const t of trials) {
      expect(t.retrain?.epochs).toBeGreaterThanOrEqual(1);
      expect(t.retrain?.epochs).toBeLessThanOrEqual(2);
      expect(t.accelerators).toEqual(['kang-cx', 'zhu-array']);
      expect(t.data).toEqual({ trainSubset: 6000, testSubset: 1000, path: null });
    }
    expect(new Set(trials.map((t) => t.baselineKey)).size).toBe(1);
    // LeNet-5's convs have 1 and 6 input channels (< g = 8): grouped flat, so GBP prunes them too.
    for (const t of trials.filter((x) => x.method === 'group-balanced')) expect(t.narrowConvs).toBe('flat');
  });

  it('kang-aap.yaml prunes conv layers only with g/p = 8/6 and 16/12', () => {
    const gbp = expandSpec(load('kang-aap.yaml')).trials.filter((t) => t.method === 'group-balanced' && t.seed === 0);
    expect(
      gbp.map((t) => [t.groupSize, (t.nominalRatio ?? 0) * (t.groupSize ?? 0), t.fcPolicy, t.narrowConvs]),
    ).toEqual([
      [8, 6, 'dense', 'skip'],
      [8, 6, 'dense', 'flat'],
      [16, 12, 'dense', 'skip'],
      [16, 12, 'dense', 'flat'],
    ]);
  });

  it('krp-lr-tracking.yaml sweeps the LR rules A, B and constant', () => {
    const labels = expandSpec(load('krp-lr-tracking.yaml'))
      .trials.filter((t) => t.seed === 0)
      .map(describeTrial);
    expect(labels).toEqual([
      'vgg×0.5/fashion-mnist krp rows=1 fc=0.9 fp32 s0',
      'vgg×0.5/fashion-mnist krp rows=1 fc=0.9 fp32 lr:B s0',
      'vgg×0.5/fashion-mnist krp rows=1 fc=0.9 fp32 lr:constant s0',
    ]);
  });

  it('krp-gsnq.yaml crosses KRP (FC 0.9 / 0.95) with float weights and GSNQ power-of-two weights at 3, 4, 5 bits', () => {
    const trials = expandSpec(load('krp-gsnq.yaml')).trials;
    expect(trials.map((t) => [t.fcRatio, t.weightFormat, t.weightBits, t.pow2SignBased])).toEqual([
      [0.9, null, 32, null],
      [0.9, 'pow2', 3, true],
      [0.9, 'pow2', 4, true],
      [0.9, 'pow2', 5, true],
      [0.95, null, 32, null],
      [0.95, 'pow2', 3, true],
      [0.95, 'pow2', 4, true],
      [0.95, 'pow2', 5, true],
    ]);
    for (const t of trials) {
      expect(t.method).toBe('kernel-row');
      expect(t.retrain?.epochs).toBe(4);
      // INQ: 50 / 75 / 87.5 / 100 %, one epoch between steps at the retraining LR (constant).
      if (t.weightFormat === 'pow2')
        expect(t.inq).toEqual({
          steps: [0.5, 0.75, 0.875, 1],
          epochsPerStep: 1,
          optimizer: 'sgd',
          lr: 0.0005,
          momentum: 0.9,
          batchSize: 64,
        });
      else expect(t.inq).toBeNull();
    }
  });

  it('a misspelt preset in an example-like spec is reported by the simulator resolver at its path', () => {
    const text = 'name: x\naccelerators: [kang-cx, kang-xc]\n';
    expect(() => parseSpec(text, { validateAccelerator })).toThrow(/accelerators\[1\]: .*kang-xc/);
  });
});
