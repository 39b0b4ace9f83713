import * as tf from '@tensorflow/tfjs';
import type { Blob } from './pack.js';

/** A trainable weight with its stable name (`layer/weight`) and whether weight decay applies. */
export interface Param {
  key: string;
  v: tf.Variable;
  decay: boolean;
}

export interface OptimizerConfig {
  kind: 'sgd' | 'adam';
  momentum: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * SGD with momentum (PyTorch form: `v = m v + g`, `w -= lr v`) and Adam (Kingma & Ba, bias-corrected,
 * epsilon added outside the square root as in tfjs/Keras). L2 weight decay is added to the
 * gradients of kernels: `g += wd * w`. Slots are tf.Variables owned here; `dispose()` frees them.
 * Written out instead of `tf.train.*` so the full state (slots + step count) checkpoints exactly.
 */
export class Optimizer {
  readonly cfg: OptimizerConfig;
  /** Number of applied steps (Adam's bias correction uses it). */
  step = 0;
  private readonly slots = new Map<string, tf.Variable[]>();

  constructor(cfg: OptimizerConfig, params: Param[]) {
    this.cfg = cfg;
    const nSlots = cfg.kind === 'adam' ? 2 : cfg.momentum > 0 ? 1 : 0;
    for (const p of params) {
      this.slots.set(
        p.key,
        Array.from({ length: nSlots }, () => tf.tidy(() => tf.variable(tf.zerosLike(p.v), false))),
      );
    }
  }

  /** Applies one update with learning rate `lr`; `grads` is keyed by the tf.Variable names. Disposes nothing it does not create. */
  apply(params: Param[], grads: tf.NamedTensorMap, lr: number): void {
    this.step++;
    const { kind, momentum, weightDecay, beta1, beta2, epsilon } = this.cfg;
    tf.tidy(() => {
      for (const p of params) {
        let g = grads[p.v.name];
        if (!g) continue;
        if (p.decay && weightDecay > 0) g = tf.add(g, tf.mul(p.v, weightDecay));
        const s = this.slots.get(p.key) ?? [];
        if (kind === 'sgd') {
          const mom = s[0];
          if (mom) {
            mom.assign(tf.add(tf.mul(mom, momentum), g));
            p.v.assign(tf.sub(p.v, tf.mul(mom, lr)));
          } else {
            p.v.assign(tf.sub(p.v, tf.mul(g, lr)));
          }
        } else {
          const [m, v] = s;
          if (!m || !v) continue;
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
          v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const c1 = 1 - beta1 ** this.step;
          const c2 = 1 - beta2 ** this.step;
          const upd = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
          p.v.assign(tf.sub(p.v, tf.mul(upd, lr)));
        }
      }
    });
  }

  /** Slot values as blobs keyed `opt/<param key>/<slot index>`. */
  save(): Blob[] {
    const out: Blob[] = [];
    for (const [key, vars] of this.slots) {
      vars.forEach((v, i) => out.push({ key: `opt/${key}/${i}`, data: v.dataSync() as Float32Array, shape: v.shape }));
    }
    return out;
  }

  /** Restores slots saved by `save()` (missing entries are left at zero). */
  load(blobs: Map<string, Blob>, step: number): void {
    this.step = step;
    for (const [key, vars] of this.slots) {
      vars.forEach((v, i) => {
        const b = blobs.get(`opt/${key}/${i}`);
        if (b) {
          const t = tf.tensor(b.data, v.shape);
          v.assign(t);
          t.dispose();
        }
      });
    }
  }

  dispose(): void {
    for (const vars of this.slots.values()) for (const v of vars) v.dispose();
    this.slots.clear();
  }
}
