/**
 * Expansion of a sweep spec into trials: the cross product of its lists, collapsed, checked,
 * hashed, and (random strategy) sampled.
 */
import { Rng } from '../shared/rng.js';
import { describeTrial } from './describe.js';
import { baselineKey, canonicalJson, configCanonical, hashCanonical } from './hash.js';
import { duplicateReason, rejectionReason, sharedParts, trialParams, type Combo } from './rules.js';
import type { ExpandResult, SweepSpec, TrialConfig, TrialParams } from './types.js';

/**
 * The axes in loop order, outermost first (the last one varies fastest):
 * models × datasets × methods × ratios × groupSizes × groupShape × narrowConvs × schedule × rowsKept × fcPolicy × fcRatio ×
 * weightBits × weightFormat × pow2.bits × pow2.signBased × activationBits × threshold × rounding × weightClusters × activationClusters ×
 * clusterInit × lrRule × seeds. Accelerators are not an axis: every trial runs on all of them.
 */
function axes(s: SweepSpec): { [K in keyof Combo]: readonly Combo[K][] } {
  return {
    model: s.models,
    dataset: s.datasets,
    method: s.pruning.methods,
    ratio: s.pruning.ratios,
    groupSize: s.pruning.groupSizes,
    groupShape: s.pruning.groupShape,
    narrowConvs: s.pruning.narrowConvs,
    schedule: s.pruning.schedule,
    rowsKept: s.pruning.rowsKept,
    fcPolicy: s.pruning.fcPolicy,
    fcRatio: s.pruning.fcRatio,
    weightBits: s.quantization.weightBits,
    weightFormat: s.quantization.weightFormat,
    pow2Bits: s.quantization.pow2.bits,
    pow2SignBased: s.quantization.pow2.signBased,
    activationBits: s.quantization.activationBits,
    threshold: s.quantization.threshold,
    rounding: s.quantization.rounding,
    weightClusters: s.clustering.weightClusters,
    activationClusters: s.clustering.activationClusters,
    clusterInit: s.clustering.init,
    lrRule: s.retraining.lrRule,
    seed: s.seeds,
  };
}

/** Every grid point in deterministic order (see `axes`). */
export function* gridPoints(s: SweepSpec): Generator<Combo> {
  const ax = axes(s);
  const keys = Object.keys(ax) as (keyof Combo)[];
  const lists = keys.map((k) => ax[k] as readonly unknown[]);
  if (lists.some((l) => l.length === 0)) return;
  const idx = new Array<number>(keys.length).fill(0);
  for (;;) {
    const combo: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      combo[k] = lists[i]?.[idx[i] ?? 0];
    });
    yield combo as unknown as Combo;
    let d = keys.length - 1;
    while (d >= 0) {
      idx[d] = (idx[d] ?? 0) + 1;
      if ((idx[d] ?? 0) < (lists[d]?.length ?? 0)) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/**
 * Identity used to detect collapsed duplicates (`canonical` = `configCanonical(p)`): vector
 * group-balanced trials compare by p/g, not by the requested ratio.
 */
function effectiveKey(p: TrialParams, canonical: string): string {
  if (p.method !== 'group-balanced' || p.groupShape !== 'vector') return canonical;
  return configCanonical({ ...p, pruneRatio: p.nominalRatio });
}

/**
 * Expands a parsed spec into trials, in deterministic order. Grid points that collapse onto an
 * earlier trial are dropped silently when the difference is an axis the method ignores, and
 * reported in `rejected` when the spec asked for something the method cannot do (kernel-row with
 * several group sizes; group-balanced ratios that round to the same p/g). Invalid points
 * (group-balanced pruning nothing, more clusters than a bit width can hold) are reported too.
 * The random strategy then samples `n` distinct trials with `Rng(strategy.seed)`; the first `n`
 * picks do not depend on `n`, so a larger `n` extends a smaller one.
 */
export function expandSpec(spec: SweepSpec): ExpandResult {
  const all: TrialConfig[] = [];
  const rejected: ExpandResult['rejected'] = [];
  const notes: string[] = [];
  const firstByKey = new Map<string, { combo: Combo; label: string; rejected: boolean }>();
  const reported = new Set<string>();
  const shared = sharedParts(spec);
  const baselineKeys = new Map<string, string>();

  for (const combo of gridPoints(spec)) {
    const params = trialParams(spec, combo, shared);
    const canonical = configCanonical(params);
    const key = effectiveKey(params, canonical);
    const first = firstByKey.get(key);
    if (first !== undefined) {
      if (first.rejected) continue; // already reported with its own reason
      const dup = duplicateReason(combo, first.combo, first.label);
      const rk = `${key}\u0000${dup?.reason ?? ''}`;
      if (dup !== undefined && !reported.has(rk)) {
        reported.add(rk);
        rejected.push({ config: { ...params, ...dup.asked }, reason: dup.reason });
      }
      continue;
    }
    const reason = rejectionReason(combo);
    firstByKey.set(key, { combo, label: describeTrial(params), rejected: reason !== undefined });
    if (reason !== undefined) {
      rejected.push({ config: params, reason });
      continue;
    }
    const bk = canonicalJson([params.model, params.width, params.dataset, params.seed, params.modelFile?.sha256 ?? null, params.modelFile?.pretrained ?? null]);
    let bKey = baselineKeys.get(bk);
    if (bKey === undefined) {
      bKey = baselineKey(params);
      baselineKeys.set(bk, bKey);
    }
    all.push({ ...params, configHash: hashCanonical(canonical), baselineKey: bKey });
  }

  if (spec.strategy.type !== 'random') return { trials: all, rejected, notes }; // adaptive samplers choose among all
  const { n, seed } = spec.strategy;
  if (n >= all.length) {
    notes.push(
      `random strategy: n = ${n} is not less than the ${all.length} valid grid trials, so every trial runs (in random order)`,
    );
  }
  return { trials: sample(all, Math.min(n, all.length), seed), rejected, notes };
}

/** `k` distinct items in the order drawn by a forward partial Fisher–Yates shuffle seeded with `seed`. */
export function sample<T>(items: readonly T[], k: number, seed: number): T[] {
  const rng = new Rng(seed);
  const a = items.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i);
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
  return a.slice(0, k);
}
