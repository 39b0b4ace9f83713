/**
 * Types of a parsed sweep spec and of one expanded trial.
 *
 * A `SweepSpec` is what `parseSpec` returns: every default filled in, every list normalised
 * (a single value given for a list field becomes a one-element list). A `TrialConfig` is one
 * point of the expanded grid: flat, JSON-serialisable, one scalar per swept parameter so that
 * each maps 1:1 to a typed database column. Fields that do not apply to a trial are `null`
 * (e.g. `groupSize` of a magnitude-pruned trial), never `undefined`.
 */
import type { DatasetName } from '../shared/datasets.js';
import type { ModelName } from '../shared/models.js';
import type { StrategySpec } from '../search/registry.js';

export { MODELS, type ModelName } from '../shared/models.js';

export { DATASETS, DATASET_FACTS, type DatasetName } from '../shared/datasets.js';

export const PRUNE_METHODS = ['none', 'magnitude', 'group-balanced', 'kernel-row', 'filter'] as const;
export type PruneMethod = (typeof PRUNE_METHODS)[number];

export const GROUP_SHAPES = ['vector', 'block'] as const;
export type GroupShape = (typeof GROUP_SHAPES)[number];

/**
 * Group-balanced treatment of conv layers with fewer input channels than the group size (e.g. the
 * first layer): left dense (`skip`, METHODS §8.1 default) or grouped over the flattened `(i, j, c)` axis.
 */
export const NARROW_CONV_POLICIES = ['skip', 'flat'] as const;
export type NarrowConvPolicy = (typeof NARROW_CONV_POLICIES)[number];

export const PARTIAL_POLICIES = ['pad', 'proportional'] as const;
export type PartialPolicy = (typeof PARTIAL_POLICIES)[number];

export const PRUNE_SCHEDULES = ['one-shot', 'gradual'] as const;
export type PruneSchedule = (typeof PRUNE_SCHEDULES)[number];

/** How fully connected layers are treated by a pruning method: pruned too, or left dense. */
export const FC_POLICIES = ['prune', 'dense'] as const;
export type FcPolicy = (typeof FC_POLICIES)[number];

export const THRESHOLDS = ['kl', 'max', 'percentile'] as const;
export type Threshold = (typeof THRESHOLDS)[number];

/**
 * How quantized weights are written: `fixed` = signed fixed point of `weightBits` bits (METHODS §1.4);
 * `pow2` = 0 or ±2^e (INQ / GSNQ, METHODS §6.4) of `quantization.pow2.bits` bits, reached by incremental
 * retraining, so multiplications become shifts.
 */
export const WEIGHT_FORMATS = ['fixed', 'pow2'] as const;
export type WeightFormat = (typeof WEIGHT_FORMATS)[number];

/** Default INQ schedule (Zhou et al. 2017): quantize 50 %, then 75 %, 87.5 % and 100 % of each layer's weights. */
export const DEFAULT_INQ_STEPS: readonly number[] = [0.5, 0.75, 0.875, 1];

export const ROUNDINGS = ['nearest', 'stochastic'] as const;
export type Rounding = (typeof ROUNDINGS)[number];

export const CLUSTER_INITS = ['linear', 'kmeans++', 'density'] as const;
export type ClusterInit = (typeof CLUSTER_INITS)[number];

export const OPTIMIZERS = ['sgd', 'adam'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

/** Retraining LR rules (METHODS §6.3): A = full tracking, B = tail tracking, constant = plain fine-tuning. */
export const LR_RULES = ['constant', 'A', 'B'] as const;
export type LrRule = (typeof LR_RULES)[number];

/** Bit width meaning "not quantized" (float32). */
export const FLOAT_BITS = 32;

/** Baseline LR schedule. Step: `lr * gamma^k` after the k-th milestone epoch. */
export type LrSchedule =
  { type: 'step'; milestones: number[]; gamma: number } | { type: 'cosine' } | { type: 'constant' };

/** Recipe that trains the shared baseline; part of `baselineKey`. */
export interface BaselineRecipe {
  epochs: number;
  optimizer: Optimizer;
  /** Initial learning rate. */
  lr: number;
  /** Ignored by adam. */
  momentum: number;
  schedule: LrSchedule;
  batchSize: number;
  /** L2 weight decay coefficient. */
  weightDecay: number;
}

/** Retraining (fine-tuning with fixed masks) of one trial. */
export interface RetrainConfig {
  epochs: number;
  optimizer: Optimizer;
  /** LR of the `constant` rule; rules A and B derive their LRs from the baseline schedule. */
  lr: number;
  /** Ignored by adam. */
  momentum: number;
  lrRule: LrRule;
  batchSize: number;
}

/**
 * Incremental power-of-two quantization of one trial (METHODS §6.4 step 4): after step k the fraction
 * `steps[k]` of each layer's kept weights (largest |w| first) are powers of two and frozen; the rest are
 * retrained `epochsPerStep` epochs at the constant LR `lr`; the last step (1) quantizes everything.
 */
export interface InqConfig {
  /** Cumulative fractions of the kept weights, strictly increasing, the last one 1. */
  steps: number[];
  /** Retraining epochs after every step but the last (>= 1; 0 means post-training pow2, `inq: null`). */
  epochsPerStep: number;
  optimizer: Optimizer;
  lr: number;
  /** Ignored by adam. */
  momentum: number;
  batchSize: number;
}

/** Data subsets; `null` = the whole split. `path` is only set for cifar10 (directory of the binary batches). */
export interface DataConfig {
  trainSubset: number | null;
  testSubset: number | null;
  path: string | null;
}

/** A preset name (resolved by the simulator) or a custom accelerator config passed through untouched. */
export type AcceleratorSpec = string | Record<string, unknown>;

/** A model of the built-in zoo (no `source`: specs stored before model files existed read the same). */
export interface ZooModelSpec {
  source?: undefined;
  name: ModelName;
  /** Channel-width multiplier, 1 = the standard model. */
  width: number;
}

/**
 * A user-supplied tfjs LayersModel (`model.json` + weight shards; Keras models through the tensorflowjs
 * converter, docs/models.md). Written `{ path: ./model.json, pretrained: true }` in a spec.
 */
export interface FileModelSpec {
  source: 'file';
  /** Label in trial rows (`trials.model`); default: the folder holding model.json (or the file's stem). */
  name: string;
  /** model.json as written in the spec; `resolveModelFiles` makes it absolute (against the spec file's folder). */
  path: string;
  /** Use the file's weights as the baseline (evaluated, not trained); false trains it from a seeded init. */
  pretrained: boolean;
  /**
   * sha256 (hex) of the model's topology and weights, set by `resolveModelFiles`. Written in a spec, it pins the
   * content: launch fails when the file differs.
   */
  sha256: string | null;
}

export type ModelSpec = ZooModelSpec | FileModelSpec;

/** A trial's user-supplied network: where it was read, its content hash (its identity) and how its baseline is made. */
export interface ModelFileRef {
  /** Absolute path of model.json at launch (informational: workers load the copy stored under the hash). */
  path: string;
  sha256: string;
  pretrained: boolean;
}

/** The validated `strategy` block: a sampler with its options and an optional pruner (src/search/registry.ts). */
export type Strategy = StrategySpec;

export interface RetryPolicySpec {
  maxAttempts: number;
  /** Milliseconds before the first retry. */
  initialInterval: number;
  /** Multiplier applied to the interval after each retry (Temporal's backoffCoefficient). */
  backoff: number;
  /** Cap on the retry interval, milliseconds. */
  maximumInterval: number;
}

/** A validated sweep spec with every default filled in (see docs/spec.md). */
export interface SweepSpec {
  name: string;
  description: string;
  strategy: Strategy;
  maxParallel: number;
  retry: RetryPolicySpec;
  data: DataConfig;
  models: ModelSpec[];
  datasets: DatasetName[];
  pruning: {
    methods: PruneMethod[];
    ratios: number[];
    groupSizes: number[];
    groupShape: GroupShape[];
    narrowConvs: NarrowConvPolicy[];
    partial: PartialPolicy;
    schedule: PruneSchedule[];
    /** Number of pruning steps of the gradual schedule. */
    steps: number;
    rowsKept: (1 | 2)[];
    fcPolicy: FcPolicy[];
    fcRatio: number[];
  };
  quantization: {
    weightFormat: WeightFormat[];
    /** Fixed-point weight widths (2..16, 32 = float); pow2 trials take their width from `pow2.bits`. */
    weightBits: number[];
    activationBits: number[];
    threshold: Threshold[];
    /** Percentile (in (0, 100]) used when threshold = percentile. */
    percentile: number;
    rounding: Rounding[];
    calibrationSize: number;
    /** Power-of-two weights (used by `weightFormat: pow2` trials only). */
    pow2: {
      /** INQ bit width b: 0 and ±2^e for 2^(b-2) exponents e (one sign bit, one code for zero). */
      bits: number[];
      /** true = GSNQ (separate exponent ranges for w > 0 and w < 0), false = INQ (one range from max|W|). */
      signBased: boolean[];
      steps: number[];
      epochsPerStep: number;
    };
  };
  clustering: {
    weightClusters: number[];
    activationClusters: number[];
    init: ClusterInit[];
  };
  retraining: Omit<RetrainConfig, 'lrRule'> & { lrRule: LrRule[] };
  baseline: BaselineRecipe;
  accelerators: AcceleratorSpec[];
  seeds: number[];
}

/**
 * One trial: a flat, JSON-serialisable point of the grid. Scalars map 1:1 to typed DB columns;
 * `null` marks a parameter that does not apply to this trial's method / bit widths.
 */
export interface TrialConfig {
  /** A zoo model name (`ModelName`), or the name of a user-supplied model (then `modelFile` is set). */
  model: string;
  width: number;
  /** The user-supplied network, or null for a zoo model (absent in trials stored before models could be files). */
  modelFile: ModelFileRef | null;
  dataset: DatasetName;
  method: PruneMethod;
  /** Requested pruning ratio; null for none and kernel-row. */
  pruneRatio: number | null;
  /**
   * Ratio implied by the method parameters before looking at layer shapes: 0 for none, `r` for
   * magnitude and filter, `p/g` for vector group-balanced (`p = clamp(rna(r*g), 0, g-1)`); null when
   * it depends on kernel shapes (block groups, kernel-row). The measured ratio is stored after pruning.
   */
  nominalRatio: number | null;
  groupSize: number | null;
  groupShape: GroupShape | null;
  /** Group-balanced: conv layers with inC < groupSize left dense (`skip`) or grouped flat; null otherwise. */
  narrowConvs: NarrowConvPolicy | null;
  partial: PartialPolicy | null;
  schedule: PruneSchedule | null;
  scheduleSteps: number | null;
  rowsKept: 1 | 2 | null;
  /** FC layers pruned (`prune`) or left dense; null for none. */
  fcPolicy: FcPolicy | null;
  /** FC magnitude ratio `r_fc` of kernel-row (other methods prune FC layers at pruneRatio); null otherwise. */
  fcRatio: number | null;
  /** 2..16, or 32 = float (not quantized); for pow2 weights the INQ width (`quantization.pow2.bits`). */
  weightBits: number;
  /** `fixed` or `pow2` when the weights are quantized, null for float weights (weightBits 32). */
  weightFormat: WeightFormat | null;
  /** pow2 only: sign-based (GSNQ) or symmetric (INQ) exponent ranges; null otherwise. */
  pow2SignBased: boolean | null;
  /** pow2 only: the incremental retraining; null for fixed / float weights and for post-training pow2 (0 epochs per step). */
  inq: InqConfig | null;
  activationBits: number;
  threshold: Threshold | null;
  percentile: number | null;
  rounding: Rounding | null;
  calibrationSize: number | null;
  /** 0 = off. */
  weightClusters: number;
  activationClusters: number;
  clusterInit: ClusterInit | null;
  seed: number;
  /** null when nothing is retrained (method none, or 0 retraining epochs). */
  retrain: RetrainConfig | null;
  baseline: BaselineRecipe;
  data: DataConfig;
  accelerators: AcceleratorSpec[];
  /** sha256 (hex, first 16 chars) of the canonical JSON of every field above except `data.path` and `modelFile.path`. */
  configHash: string;
  /**
   * Hash of (model, width, dataset, seed, baseline recipe, data subsets, and for a model file its sha256 and
   * `pretrained`): trials with equal keys share a baseline.
   */
  baselineKey: string;
}

/** The fields of a TrialConfig that come from the spec (everything but the two hashes). */
export type TrialParams = Omit<TrialConfig, 'configHash' | 'baselineKey'>;

/** One validation problem: `path` like `pruning.ratios[2]`, `message` like `1.3 is not in [0, 1)`. */
export interface SpecIssue {
  path: string;
  message: string;
  /** 1-based position in the spec text, when known. */
  line?: number;
  column?: number;
}

export interface ExpandResult {
  trials: TrialConfig[];
  /** Combinations that were not turned into trials, each with the reason. */
  rejected: { config: Partial<TrialConfig>; reason: string }[];
  /** Informational remarks about the expansion (e.g. random n larger than the grid). */
  notes: string[];
}
