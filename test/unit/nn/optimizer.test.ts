import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/nn/backend/index.js';
import { Optimizer, type Param } from '../../../src/nn/train/optimizer.js';

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

const w0 = [0.5, -1, 2];
const grads = [
  [0.1, -0.2, 0.3],
  [0.05, 0.4, -0.1],
  [-0.3, 0.2, 0.2],
];

function runOptimizer(kind: 'sgd' | 'adam', momentum: number, weightDecay: number, lrs: number[]): number[] {
  const v = tf.variable(tf.tensor1d(w0));
  const params: Param[] = [{ key: 'fc/kernel', v, decay: true }];
  const opt = new Optimizer({ kind, momentum, weightDecay, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, params);
  grads.forEach((g, i) => {
    const gt = tf.tensor1d(g);
    opt.apply(params, { [v.name]: gt }, lrs[i]!);
    gt.dispose();
  });
  const out = [...v.dataSync()];
  opt.dispose();
  v.dispose();
  return out;
}

describe('Optimizer against naive per-element loops', () => {
  it('SGD with momentum 0.9 and weight decay 0.01, lr changing per step', () => {
    const lrs = [0.1, 0.1, 0.05];
    const w = [...w0];
    const vel = [0, 0, 0];
    grads.forEach((g, s) => {
      for (let i = 0; i < 3; i++) {
        const gi = g[i]! + 0.01 * w[i]!;
        vel[i] = 0.9 * vel[i]! + gi;
        w[i] = w[i]! - lrs[s]! * vel[i]!;
      }
    });
    runOptimizer('sgd', 0.9, 0.01, lrs).forEach((v, i) => expect(v).toBeCloseTo(w[i]!, 6));
  });

  it('plain SGD (momentum 0) is w -= lr * g', () => {
    const out = runOptimizer('sgd', 0, 0, [0.1, 0.1, 0.1]);
    out.forEach((v, i) => expect(v).toBeCloseTo(w0[i]! - 0.1 * (grads[0]![i]! + grads[1]![i]! + grads[2]![i]!), 6));
  });

  it('Adam with bias correction', () => {
    const lr = 0.01;
    const w = [...w0];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    grads.forEach((g, s) => {
      const t = s + 1;
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
        const mh = m[i]! / (1 - 0.9 ** t);
        const vh = v[i]! / (1 - 0.999 ** t);
        w[i] = w[i]! - (lr * mh) / (Math.sqrt(vh) + 1e-7);
      }
    });
    runOptimizer('adam', 0, 0, [lr, lr, lr]).forEach((x, i) => expect(x).toBeCloseTo(w[i]!, 6));
  });

  it('save/load restores the slots and the step count exactly', () => {
    const v = tf.variable(tf.tensor1d(w0));
    const params: Param[] = [{ key: 'k', v, decay: false }];
    const cfg = { kind: 'adam' as const, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    const a = new Optimizer(cfg, params);
    const g = tf.tensor1d([1, 2, 3]);
    a.apply(params, { [v.name]: g }, 0.1);
    const saved = new Map(a.save().map((b) => [b.key, b]));
    expect([...saved.keys()]).toEqual(['opt/k/0', 'opt/k/1']);
    const b = new Optimizer(cfg, params);
    b.load(saved, a.step);
    expect(b.step).toBe(1);
    expect(b.save().map((x) => [...x.data])).toEqual(a.save().map((x) => [...x.data]));
    g.dispose();
    a.dispose();
    b.dispose();
    v.dispose();
  });
});
