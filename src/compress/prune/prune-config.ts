/**
 * Method configurations and report types of the model-level pruning entry point
 * ({@link import('./prune-model.js').pruneModel}).
 */
import type { LayerKind } from '../../shared/layer.js';
import type { GroupShape, PartialPolicy } from './group-balanced.js';

export const PruneMethods = ['magnitude', 'group-balanced', 'kernel-row', 'filter'] as const;
export type PruneMethod = (typeof PruneMethods)[number];

interface PruneConfigBase {
  /**
   * Requested pruning ratio in [0, 1). For `kernel-row` it is the FC ratio `r_fc` (the conv ratio
   * is fixed by the kernel height) and the default 1x1 ratio.
   */
  ratio: number;
  /** Layers left dense (reported as skipped, reason "listed in skip"). */
  skip?: readonly string[];
  /** Per-layer ratio overrides (not with magnitude `scope: 'global'`). */
  layerRatios?: Readonly<Record<string, number>>;
  /** Masks of an earlier gradual step, by layer name: their zeros stay zero (magnitude, group-balanced). */
  prevMasks?: ReadonlyMap<string, Uint8Array>;
}

export interface MagnitudeConfig extends PruneConfigBase {
  method: 'magnitude';
  /** `layer`: every layer to `ratio`; `global`: one threshold over all non-skipped layers. @default 'layer' */
  scope?: 'layer' | 'global';
  /**
   * Prune the last FC layer (the classifier) on its own at this ratio, outside the global threshold
   * (§8.2: with one global threshold the classifier could end up pruned harder than the rest). @default none
   */
  lastFcRatio?: number;
}

export interface GroupBalancedConfig extends PruneConfigBase {
  method: 'group-balanced';
  /** @default 16 */
  groupSize?: number;
  /** Keep count `n` per full group; overrides `ratio` on layers without a `layerRatios`/`fcRatio` entry. */
  keep?: number;
  /** `vector` (default) or `block` (§2.2). */
  groupShape?: Extract<GroupShape, 'vector' | 'block'>;
  /** @default 'pad' */
  partial?: PartialPolicy;
  /** Conv layers with `C < groupSize` (the RGB first layer, §8.1): `skip` (default) or groups over the flattened `(i, j, c)` axis. */
  firstLayerPolicy?: 'skip' | 'flat';
  /** Depthwise convs (§8.3): `skip` (default) or groups over the flattened taps. */
  depthwisePolicy?: 'skip' | 'taps';
  /** FC layers: `group` (default; groups of g consecutive inputs per output unit) or `dense`. */
  fcPolicy?: 'group' | 'dense';
  /** Ratio for FC layers other than the last. @default ratio */
  fcRatio?: number;
  /** Ratio for the last FC layer (the classifier; §8.2 never prune it below the others). @default fcRatio */
  lastFcRatio?: number;
}

export interface KernelRowConfig extends PruneConfigBase {
  method: 'kernel-row';
  /** 1 (paper) or 2. @default 1 */
  rowsKept?: number;
  /** `r_fc`, FC magnitude ratio. @default ratio */
  fcRatio?: number;
  /** Magnitude ratio of the last FC layer. @default fcRatio */
  lastFcRatio?: number;
  /** Convs with a single kernel row (1x1, 1xS): `dense` (default) or unstructured magnitude at `pointwiseRatio`. */
  pointwisePolicy?: 'dense' | 'unstructured';
  /** `r_1x1`. @default ratio */
  pointwiseRatio?: number;
  /** Row-prune depthwise kernels too (§6.2 step 4). @default true */
  krpDepthwise?: boolean;
}

export interface FilterConfig extends PruneConfigBase {
  method: 'filter';
  /** Prune output units of FC layers (never those of the last FC, the classes). @default true */
  includeFc?: boolean;
  /** Prune depthwise output channels. @default false */
  includeDepthwise?: boolean;
}

export type PruneConfig = MagnitudeConfig | GroupBalancedConfig | KernelRowConfig | FilterConfig;

/** What was actually applied to a layer. */
export type AppliedPruning =
  | 'none'
  | 'magnitude'
  | 'magnitude-global'
  | 'gbp-vector'
  | 'gbp-block'
  | 'gbp-flat'
  | 'gbp-taps'
  | 'kernel-row'
  | 'filter';

export interface LayerPruneReport {
  name: string;
  kind: LayerKind;
  applied: AppliedPruning;
  /** Ratio requested for this layer (null when skipped or fixed by the method, e.g. KRP conv). */
  requestedRatio: number | null;
  total: number;
  kept: number;
  /** `1 - kept/total`, from the mask. */
  achievedRatio: number;
  /** Why the layer was left dense, when it was. */
  skipped?: string;
  groupSize?: number;
  keepPerFullGroup?: number;
  fullGroupSize?: number;
  rowsKept?: number;
  prunedChannels?: number;
}

export interface RatioSummary {
  total: number;
  kept: number;
  achievedRatio: number;
}

export interface PruneReport {
  method: PruneMethod;
  requestedRatio: number;
  /** All layers, skipped ones included. */
  overall: RatioSummary;
  /** Conv + depthwise layers. */
  conv: RatioSummary;
  fc: RatioSummary;
  layers: LayerPruneReport[];
  skipped: { name: string; reason: string }[];
}

export interface PruneResult {
  /** One mask per layer (all ones for skipped layers), same layout as the weights, 1 = kept. */
  masks: Map<string, Uint8Array>;
  /** KRP only: kept-row bit sets per kernel (`c*K + k`), by layer. */
  keptRows: Map<string, Uint32Array>;
  report: PruneReport;
}
