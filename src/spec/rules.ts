/**
 * Which parameters apply to which trial (collapse rules) and which combinations are invalid
 * (rejection rules). See docs/spec.md "Expansion".
 */
import { freezeDeep } from './hash.js';
import { HwsweepError } from '../errors.js';
import { rna } from '../shared/rounding.js';
import { FLOAT_BITS, type FileModelSpec, type ModelFileRef, type PruneMethod, type SweepSpec, type TrialParams } from './types.js';

/** One grid point: a value of every swept list (indices into the spec's lists are not kept). */
export interface Combo {
  model: SweepSpec['models'][number];
  dataset: SweepSpec['datasets'][number];
  method: PruneMethod;
  ratio: number;
  groupSize: number;
  groupShape: SweepSpec['pruning']['groupShape'][number];
  narrowConvs: SweepSpec['pruning']['narrowConvs'][number];
  schedule: SweepSpec['pruning']['schedule'][number];
  rowsKept: 1 | 2;
  fcPolicy: SweepSpec['pruning']['fcPolicy'][number];
  fcRatio: number;
  weightBits: number;
  weightFormat: SweepSpec['quantization']['weightFormat'][number];
  pow2Bits: number;
  pow2SignBased: boolean;
  activationBits: number;
  threshold: SweepSpec['quantization']['threshold'][number];
  rounding: SweepSpec['quantization']['rounding'][number];
  weightClusters: number;
  activationClusters: number;
  clusterInit: SweepSpec['clustering']['init'][number];
  lrRule: SweepSpec['retraining']['lrRule'][number];
  seed: number;
}

/** Parts common to every trial of a spec: deep-frozen copies, shared by all trials (read-only). */
export interface SharedParts {
  baseline: TrialParams['baseline'];
  accelerators: TrialParams['accelerators'];
}

export function sharedParts(spec: SweepSpec): SharedParts {
  return {
    baseline: freezeDeep(structuredClone(spec.baseline)),
    accelerators: freezeDeep(structuredClone(spec.accelerators)),
  };
}

/** Weights pruned per full group of `g` for a requested ratio: `p = clamp(rna(r*g), 0, g-1)` (METHODS §1.2). */
export function prunedPerGroup(ratio: number, g: number): number {
  return Math.min(Math.max(rna(ratio * g), 0), g - 1);
}

const USES_RATIO: readonly PruneMethod[] = ['magnitude', 'group-balanced', 'filter'];

/**
 * The trial parameters of a grid point, with every parameter the trial does not use set to null:
 * `none` ignores all pruning fields and is not retrained; only group-balanced reads groupSize,
 * groupShape, narrowConvs and partial; only kernel-row reads rowsKept and fcRatio (and fcRatio only when FC
 * layers are pruned, fcPolicy = prune); kernel-row ignores ratios
 * (its ratio follows from the kernel height); pow2 weights ignore weightBits (their width is pow2.bits), fixed
 * weights ignore pow2.bits and pow2.signBased; threshold and rounding need a fixed-point tensor;
 * calibrationSize needs quantized or clustered activations; clusterInit needs clustering.
 */
export function trialParams(spec: SweepSpec, c: Combo, shared: SharedParts = sharedParts(spec)): TrialParams {
  const m = c.method;
  const prunes = m !== 'none';
  const gbp = m === 'group-balanced';
  const krp = m === 'kernel-row';
  const pow2 = c.weightFormat === 'pow2';
  // threshold and rounding belong to fixed-point tensors: fixed weights below 32 bits, or quantized activations.
  const fixedPoint = (!pow2 && c.weightBits !== FLOAT_BITS) || c.activationBits !== FLOAT_BITS;
  const clustered = c.weightClusters > 0 || c.activationClusters > 0;
  const q = spec.quantization;
  const r = spec.retraining;
  return {
    model: c.model.name,
    width: c.model.source === 'file' ? 1 : c.model.width,
    modelFile: c.model.source === 'file' ? modelFileRef(c.model) : null,
    dataset: c.dataset,
    method: m,
    pruneRatio: USES_RATIO.includes(m) ? c.ratio : null,
    nominalRatio: nominalRatio(c),
    groupSize: gbp ? c.groupSize : null,
    groupShape: gbp ? c.groupShape : null,
    narrowConvs: gbp ? c.narrowConvs : null,
    partial: gbp ? spec.pruning.partial : null,
    schedule: prunes ? c.schedule : null,
    scheduleSteps: prunes && c.schedule === 'gradual' ? spec.pruning.steps : null,
    rowsKept: krp ? c.rowsKept : null,
    fcPolicy: prunes ? c.fcPolicy : null,
    fcRatio: krp && c.fcPolicy === 'prune' ? c.fcRatio : null,
    weightBits: pow2 ? c.pow2Bits : c.weightBits,
    weightFormat: pow2 ? 'pow2' : c.weightBits !== FLOAT_BITS ? 'fixed' : null,
    pow2SignBased: pow2 ? c.pow2SignBased : null,
    inq:
      pow2 && q.pow2.epochsPerStep > 0
        ? {
            steps: [...q.pow2.steps],
            epochsPerStep: q.pow2.epochsPerStep,
            optimizer: r.optimizer,
            lr: r.lr,
            momentum: r.momentum,
            batchSize: r.batchSize,
          }
        : null,
    activationBits: c.activationBits,
    threshold: fixedPoint ? c.threshold : null,
    percentile: fixedPoint && c.threshold === 'percentile' ? q.percentile : null,
    rounding: fixedPoint ? c.rounding : null,
    calibrationSize: c.activationBits !== FLOAT_BITS || c.activationClusters > 0 ? q.calibrationSize : null,
    weightClusters: c.weightClusters,
    activationClusters: c.activationClusters,
    clusterInit: clustered ? c.clusterInit : null,
    seed: c.seed,
    retrain:
      prunes && r.epochs > 0
        ? {
            epochs: r.epochs,
            optimizer: r.optimizer,
            lr: r.lr,
            momentum: r.momentum,
            lrRule: c.lrRule,
            batchSize: r.batchSize,
          }
        : null,
    baseline: shared.baseline,
    data: {
      trainSubset: spec.data.trainSubset,
      testSubset: spec.data.testSubset,
      path: c.dataset === 'cifar10' ? spec.data.path : null,
    },
    accelerators: shared.accelerators,
  };
}

/** The trial's reference to a model file; the file must have been resolved (`resolveModelFiles`) before expansion. */
function modelFileRef(m: FileModelSpec): ModelFileRef {
  if (m.sha256 === null) {
    throw new HwsweepError(
      'INVALID_SPEC',
      `model "${m.name}" (${m.path}) has no content hash: resolve the spec's model files (resolveModelFiles) before expanding it`,
      { context: { model: m.name, path: m.path } },
    );
  }
  return { path: m.path, sha256: m.sha256, pretrained: m.pretrained };
}

/** See `TrialConfig.nominalRatio`. */
export function nominalRatio(c: Pick<Combo, 'method' | 'ratio' | 'groupSize' | 'groupShape'>): number | null {
  switch (c.method) {
    case 'none':
      return 0;
    case 'magnitude':
    case 'filter':
      return c.ratio;
    case 'group-balanced':
      return c.groupShape === 'vector' ? prunedPerGroup(c.ratio, c.groupSize) / c.groupSize : null;
    case 'kernel-row':
      return null;
  }
}

/** Why a grid point cannot run, or undefined when it can. */
export function rejectionReason(c: Combo): string | undefined {
  if (c.weightFormat === 'pow2' && c.weightClusters > 0) {
    return `pow2 weights cannot also be clustered: weightClusters = ${c.weightClusters} would replace the powers of two by k-means centroids (use weightClusters 0 with pow2)`;
  }
  if (c.method === 'group-balanced' && c.groupShape === 'vector' && c.ratio > 0) {
    const p = prunedPerGroup(c.ratio, c.groupSize);
    if (p === 0) {
      return (
        `group-balanced with groupSize = ${c.groupSize} and ratio ${c.ratio} prunes p = rna(${c.ratio}*${c.groupSize}) = 0 ` +
        `weights per group: nothing would be pruned (use a larger ratio or groupSize)`
      );
    }
  }
  for (const [kind, k, b] of [
    ['weight', c.weightClusters, c.weightBits],
    ['activation', c.activationClusters, c.activationBits],
  ] as const) {
    const distinct = 2 ** b - 1;
    if (b !== FLOAT_BITS && k > distinct) {
      return `${kind}Clusters = ${k} is more than the ${distinct} distinct non-zero values of ${b}-bit ${kind}s`;
    }
  }
  return undefined;
}

/**
 * When grid point `c` collapses onto the same trial as the earlier point `first`, the reason to
 * report it (with `asked`: the requested values the trial's parameters do not show), or undefined when the collapse is the documented, silent kind (an axis the method
 * ignores, e.g. the ratios of `none` and kernel-row or the group sizes of magnitude). Reported:
 * kernel-row under several group sizes (it has no group size) and group-balanced ratios that
 * round to the same p/g.
 */
export function duplicateReason(
  c: Combo,
  first: Combo,
  firstLabel: string,
): { reason: string; asked: Partial<TrialParams> } | undefined {
  if (c.method === 'kernel-row' && c.groupSize !== first.groupSize) {
    return {
      reason: `kernel-row takes no group size: groupSize = ${c.groupSize} would repeat trial ${firstLabel}`,
      asked: { groupSize: c.groupSize },
    };
  }
  if (c.method === 'group-balanced' && c.ratio !== first.ratio && c.groupSize === first.groupSize) {
    const p = prunedPerGroup(c.ratio, c.groupSize);
    return {
      reason: `ratio ${c.ratio} rounds to p/g = ${p}/${c.groupSize} like ratio ${first.ratio}: it would repeat trial ${firstLabel}`,
      asked: {},
    };
  }
  return undefined;
}
